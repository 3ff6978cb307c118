package dev.strangler.proxy;

import java.time.Duration;

/**
 * How the proxy stops on SIGTERM (config key {@code shutdown}). First {@code /readyz} answers 503
 * and nothing else changes for {@code drainDelay}, so load balancers notice and stop sending; then
 * the listener closes, every response carries {@code Connection: close}, idle keep-alive connections
 * are closed, and in-flight requests and WebSocket sessions get up to {@code grace} to finish.
 *
 * @param drainDelay time between "not ready" and closing the listener (0: close at once)
 * @param grace      how long in-flight requests and WebSocket sessions may take after the listener closed
 */
public record ShutdownConfig(Duration drainDelay, Duration grace) {

    /** Default drain delay: 5 s, two probe periods of a typical load balancer health check. */
    public static final Duration DEFAULT_DRAIN_DELAY = Duration.ofSeconds(5);
    /** Default grace: 10 s (the old {@code shutdownGrace} default). */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    /** Defaults: drainDelay 5 s, grace 10 s. */
    public static final ShutdownConfig DEFAULTS = new ShutdownConfig(DEFAULT_DRAIN_DELAY, DEFAULT_GRACE);

    public ShutdownConfig {
        if (drainDelay == null || drainDelay.isNegative()) {
            throw new IllegalArgumentException("shutdown.drainDelay: " + drainDelay + " (expected: >= 0)");
        }
        if (grace == null || grace.isNegative() || grace.isZero()) {
            throw new IllegalArgumentException("shutdown.grace: " + grace + " (expected: > 0)");
        }
    }
}
