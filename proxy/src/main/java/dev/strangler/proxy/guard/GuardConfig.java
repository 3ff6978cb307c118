package dev.strangler.proxy.guard;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Automatic rollback rule of one route (config key {@code routes[].guard}): over the last
 * {@code window} of the target's answers on the route, with at least {@code minRequests} of them,
 * an error ratio above {@code maxErrorRatio} or a p99 latency above {@code maxP99} rolls the route
 * back to weight 0.
 *
 * @param window        sliding window, whole seconds, 1 s .. 1 h
 * @param minRequests   fewest target answers in the window before the guard may trip (>= 1)
 * @param maxErrorRatio highest tolerated share of 5xx answers (including the proxy's own 502/504), 0..1
 * @param maxP99        highest tolerated 99th-percentile latency, or null to check errors only
 */
public record GuardConfig(Duration window, long minRequests, double maxErrorRatio, Duration maxP99) {

    /** Longest window: one hour of one-second buckets. */
    public static final Duration MAX_WINDOW = Duration.ofHours(1);

    public GuardConfig {
        requireNonNull(window, "window");
        if (window.toMillis() % 1000 != 0 || window.getSeconds() < 1 || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("guard.window: " + window + " (expected: whole seconds, 1s..1h)");
        }
        if (minRequests < 1) {
            throw new IllegalArgumentException("guard.minRequests: " + minRequests + " (expected: >= 1)");
        }
        if (!(maxErrorRatio >= 0 && maxErrorRatio <= 1)) {
            throw new IllegalArgumentException("guard.maxErrorRatio: " + maxErrorRatio + " (expected: 0..1)");
        }
        if (maxP99 != null && (maxP99.isNegative() || maxP99.isZero())) {
            throw new IllegalArgumentException("guard.maxP99: " + maxP99 + " (expected: > 0)");
        }
    }

    /** The documented defaults: 60 s window, 50 requests, 5 % errors, p99 800 ms. */
    public static GuardConfig defaults() {
        return new GuardConfig(Duration.ofSeconds(60), 50, 0.05, Duration.ofMillis(800));
    }
}
