package dev.strangler.proxy.backend;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Active health check of every endpoint of a backend ({@code backends.NAME.healthCheck}): a GET of
 * {@code path} every {@code interval}; 2xx within {@code timeout} is a pass. An endpoint turns
 * unhealthy after {@code unhealthyThreshold} failed checks in a row and healthy again after
 * {@code healthyThreshold} passes in a row. Endpoints start healthy.
 */
public record HealthCheckConfig(String path, Duration interval, Duration timeout, int healthyThreshold,
                                int unhealthyThreshold) {

    /** Defaults: /healthz every 5 s, 1 s timeout, 2 passes to recover, 3 failures to fail. */
    public static final HealthCheckConfig DEFAULTS = new HealthCheckConfig("/healthz", Duration.ofSeconds(5),
            Duration.ofSeconds(1), 2, 3);

    public HealthCheckConfig {
        requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("healthCheck.path: '" + path + "' (expected: starts with /)");
        }
        Durations.positive("healthCheck.interval", interval);
        Durations.positive("healthCheck.timeout", timeout);
        if (healthyThreshold < 1 || unhealthyThreshold < 1) {
            throw new IllegalArgumentException("healthCheck thresholds: " + healthyThreshold + "/" + unhealthyThreshold
                    + " (expected: >= 1)");
        }
    }
}
