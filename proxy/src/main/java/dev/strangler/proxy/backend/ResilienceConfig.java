package dev.strangler.proxy.backend;

import java.time.Duration;

/**
 * Per-backend protection ({@code backends.NAME.resilience}): a resilience4j circuit breaker
 * (count-based window), a bulkhead (most requests in flight at once) and timeouts.
 *
 * @param failureRateThreshold percentage of failed calls in the window that opens the circuit
 * @param slidingWindow        calls in the count-based window
 * @param minimumCalls         calls before the failure rate is computed
 * @param openFor              time the circuit stays open before letting trial calls through
 * @param halfOpenCalls        trial calls in half-open state
 * @param maxConcurrent        requests in flight to this backend at once; more are refused (fallback or 503)
 * @param connectTimeout       connect timeout; null: {@code limits.backendConnectTimeout}
 * @param firstByteTimeout     request fully sent → response head; null: {@code limits.backendTimeout}
 * @param totalTimeout         dispatch → last response byte; null: no limit
 * @param replayBufferBytes    request bodies up to this size are kept so the request can be replayed
 * @param circuitBreakerEnabled false turns the circuit breaker off (state "disabled": every call permitted)
 */
public record ResilienceConfig(int failureRateThreshold, int slidingWindow, int minimumCalls, Duration openFor,
                               int halfOpenCalls, int maxConcurrent, Duration connectTimeout,
                               Duration firstByteTimeout, Duration totalTimeout, long replayBufferBytes,
                               boolean circuitBreakerEnabled, boolean fallbackWrites) {

    /** Defaults: 50 %, window 20, 10 calls minimum, open 10 s, 5 trial calls, 512 concurrent, 64 KiB replay buffer. */
    public static final ResilienceConfig DEFAULTS = new ResilienceConfig(50, 20, 10, Duration.ofSeconds(10), 5, 512,
            null, null, null, 64 * 1024, true, true);

    public ResilienceConfig {
        if (failureRateThreshold < 1 || failureRateThreshold > 100) {
            throw new IllegalArgumentException("circuitBreaker.failureRateThreshold: " + failureRateThreshold
                    + " (expected: 1..100)");
        }
        if (slidingWindow < 1 || minimumCalls < 1 || halfOpenCalls < 1) {
            throw new IllegalArgumentException("circuitBreaker.slidingWindow/minimumCalls/halfOpenCalls: "
                    + slidingWindow + "/" + minimumCalls + "/" + halfOpenCalls + " (expected: >= 1)");
        }
        Durations.positive("circuitBreaker.openFor", openFor);
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent: " + maxConcurrent + " (expected: >= 1)");
        }
        if (connectTimeout != null) {
            Durations.positive("timeouts.connect", connectTimeout);
        }
        if (firstByteTimeout != null) {
            Durations.positive("timeouts.firstByte", firstByteTimeout);
        }
        if (totalTimeout != null) {
            Durations.positive("timeouts.total", totalTimeout);
        }
        if (replayBufferBytes < 0) {
            throw new IllegalArgumentException("replayBuffer: " + replayBufferBytes + " (expected: >= 0)");
        }
    }

    /** A copy with other circuit breaker settings. */
    public ResilienceConfig withCircuitBreaker(int rate, int window, int minCalls, Duration open) {
        return new ResilienceConfig(rate, window, minCalls, open, halfOpenCalls, maxConcurrent, connectTimeout,
                firstByteTimeout, totalTimeout, replayBufferBytes, circuitBreakerEnabled, fallbackWrites);
    }

    /** A copy with the circuit breaker on or off. */
    public ResilienceConfig withCircuitBreakerEnabled(boolean enabled) {
        return new ResilienceConfig(failureRateThreshold, slidingWindow, minimumCalls, openFor, halfOpenCalls,
                maxConcurrent, connectTimeout, firstByteTimeout, totalTimeout, replayBufferBytes, enabled, fallbackWrites);
    }

    /** A copy with another bulkhead size. */
    public ResilienceConfig withMaxConcurrent(int max) {
        return new ResilienceConfig(failureRateThreshold, slidingWindow, minimumCalls, openFor, halfOpenCalls, max,
                connectTimeout, firstByteTimeout, totalTimeout, replayBufferBytes, circuitBreakerEnabled, fallbackWrites);
    }

    /** A copy with other timeouts (null keeps the default of each). */
    public ResilienceConfig withTimeouts(Duration connect, Duration firstByte, Duration total) {
        return new ResilienceConfig(failureRateThreshold, slidingWindow, minimumCalls, openFor, halfOpenCalls,
                maxConcurrent, connect, firstByte, total, replayBufferBytes, circuitBreakerEnabled, fallbackWrites);
    }

    /** A copy that may or may not replay writes on the legacy backend. */
    public ResilienceConfig withFallbackWrites(boolean replayWrites) {
        return new ResilienceConfig(failureRateThreshold, slidingWindow, minimumCalls, openFor, halfOpenCalls,
                maxConcurrent, connectTimeout, firstByteTimeout, totalTimeout, replayBufferBytes, circuitBreakerEnabled,
                replayWrites);
    }

    /** Writes may fall back to the legacy backend (the default). */
    public ResilienceConfig(int failureRateThreshold, int slidingWindow, int minimumCalls, Duration openFor,
                            int halfOpenCalls, int maxConcurrent, Duration connectTimeout, Duration firstByteTimeout,
                            Duration totalTimeout, long replayBufferBytes, boolean circuitBreakerEnabled) {
        this(failureRateThreshold, slidingWindow, minimumCalls, openFor, halfOpenCalls, maxConcurrent, connectTimeout,
                firstByteTimeout, totalTimeout, replayBufferBytes, circuitBreakerEnabled, true);
    }
}
