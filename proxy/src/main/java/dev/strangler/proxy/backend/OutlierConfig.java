package dev.strangler.proxy.backend;

import java.time.Duration;

/**
 * Passive outlier ejection ({@code backends.NAME.outlier}): after {@code consecutiveFailures} 5xx
 * answers or connection failures in a row an endpoint gets no new requests for
 * {@code baseEjection}, doubled on each ejection that follows soon after the last one, capped at
 * {@code maxEjection}. The last available endpoint of a backend is never ejected.
 */
public record OutlierConfig(int consecutiveFailures, Duration baseEjection, Duration maxEjection) {

    /** Defaults: 5 failures, 10 s, at most 5 min. */
    public static final OutlierConfig DEFAULTS = new OutlierConfig(5, Duration.ofSeconds(10), Duration.ofMinutes(5));

    public OutlierConfig {
        if (consecutiveFailures < 1) {
            throw new IllegalArgumentException("outlier.consecutiveFailures: " + consecutiveFailures + " (expected: >= 1)");
        }
        Durations.positive("outlier.baseEjection", baseEjection);
        Durations.positive("outlier.maxEjection", maxEjection);
        if (maxEjection.compareTo(baseEjection) < 0) {
            throw new IllegalArgumentException("outlier.maxEjection: " + maxEjection + " (expected: >= baseEjection "
                    + baseEjection + ")");
        }
    }
}
