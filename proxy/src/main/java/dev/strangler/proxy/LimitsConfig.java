package dev.strangler.proxy;

import java.time.Duration;

/**
 * Protective limits and timeouts of the proxy (config key {@code limits}).
 *
 * @param maxInitialLineBytes   longest request line; longer gets 414
 * @param maxHeaderBytes        largest header block; larger gets 431
 * @param maxBodyBytes          largest request body; larger gets 413
 * @param headerTimeout         time from a request's first byte to its last header byte; slower gets 408
 * @param idleTimeout           a client connection without traffic is closed after this
 * @param backendConnectTimeout connecting to a backend; slower gets 502
 * @param backendTimeout        a backend silent (no bytes either way) this long during an exchange gets 504
 * @param maxIdlePerBackend     idle keep-alive connections kept per backend per I/O thread
 * @param webSocketIdleTimeout  an upgraded (WebSocket) connection silent both ways this long is closed;
 *                              replaces idleTimeout and backendTimeout once the 101 has passed
 */
public record LimitsConfig(int maxInitialLineBytes, int maxHeaderBytes, long maxBodyBytes,
                           Duration headerTimeout, Duration idleTimeout, Duration backendConnectTimeout,
                           Duration backendTimeout, int maxIdlePerBackend, Duration webSocketIdleTimeout) {

    /** Default WebSocket idle timeout: 1 h (a quiet video visit must not drop). */
    public static final Duration DEFAULT_WEBSOCKET_IDLE_TIMEOUT = Duration.ofHours(1);

    /** Defaults: 8 KiB line, 16 KiB headers, 2 GiB body, 10 s headers, 60 s idle, 2 s connect, 30 s backend, 64 idle, 1 h WebSocket idle. */
    public static final LimitsConfig DEFAULTS = new LimitsConfig(8 * 1024, 16 * 1024, 2L * 1024 * 1024 * 1024,
            Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofSeconds(30), 64,
            DEFAULT_WEBSOCKET_IDLE_TIMEOUT);

    /** Limits with the default WebSocket idle timeout (1 h). */
    public LimitsConfig(int maxInitialLineBytes, int maxHeaderBytes, long maxBodyBytes, Duration headerTimeout,
                        Duration idleTimeout, Duration backendConnectTimeout, Duration backendTimeout,
                        int maxIdlePerBackend) {
        this(maxInitialLineBytes, maxHeaderBytes, maxBodyBytes, headerTimeout, idleTimeout, backendConnectTimeout,
                backendTimeout, maxIdlePerBackend, DEFAULT_WEBSOCKET_IDLE_TIMEOUT);
    }

    /** These limits with another WebSocket idle timeout. */
    public LimitsConfig withWebSocketIdleTimeout(Duration v) {
        return new LimitsConfig(maxInitialLineBytes, maxHeaderBytes, maxBodyBytes, headerTimeout, idleTimeout,
                backendConnectTimeout, backendTimeout, maxIdlePerBackend, v);
    }

    public LimitsConfig {
        positive("maxInitialLineBytes", maxInitialLineBytes);
        positive("maxHeaderBytes", maxHeaderBytes);
        positive("maxBodyBytes", maxBodyBytes);
        positive("headerTimeout", headerTimeout);
        positive("idleTimeout", idleTimeout);
        positive("backendConnectTimeout", backendConnectTimeout);
        positive("backendTimeout", backendTimeout);
        positive("webSocketIdleTimeout", webSocketIdleTimeout);
        if (maxIdlePerBackend < 0) {
            throw new IllegalArgumentException("maxIdlePerBackend: " + maxIdlePerBackend + " (expected: >= 0)");
        }
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + ": " + value + " (expected: > 0)");
        }
    }

    private static void positive(String key, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(key + ": " + value + " (expected: > 0)");
        }
    }
}
