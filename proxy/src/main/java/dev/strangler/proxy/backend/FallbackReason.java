package dev.strangler.proxy.backend;

/**
 * Why a request was replayed, the {@code reason} tag of {@code strangler_proxy_fallbacks_total}.
 * All but {@link #STALE_CONNECTION} send the request to the route's legacy backend.
 */
public enum FallbackReason {
    /** The target refused the connection, or had no endpoint to offer. */
    CONNECT("connect"),
    /** No response head from the target within the first-byte timeout. */
    TIMEOUT("timeout"),
    /** The target's circuit breaker is open (or half-open and out of trial calls). */
    CIRCUIT_OPEN("circuit_open"),
    /** The target has {@code maxConcurrent} requests in flight already. */
    BULKHEAD_FULL("bulkhead_full"),
    /** The target answered 5xx to a safe request. */
    SERVER_ERROR("server_error"),
    /** The target closed the connection before answering a safe request (after any same-backend retry). */
    RESET("reset"),
    /** A pooled connection turned out closed; retried once on a fresh connection to the same backend. */
    STALE_CONNECTION("stale_connection");

    private final String tag;

    FallbackReason(String tag) {
        this.tag = tag;
    }

    /** The metric tag value. */
    public String tag() {
        return tag;
    }
}
