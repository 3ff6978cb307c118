package dev.strangler.proxy.backend;

/**
 * Which requests the proxy may send twice (RFC 9110 §9.2). Two levels, because a replay on the
 * legacy backend is a replay on a <em>different system</em> with its own database:
 * <ul>
 *   <li>{@link #safe}: GET, HEAD, OPTIONS, TRACE change nothing and may be replayed anywhere, also
 *       on the legacy backend after the target may have seen them;</li>
 *   <li>{@link #idempotent}: the safe ones plus PUT and DELETE may be retried on the <em>same</em>
 *       backend (stale pooled connection, another endpoint), because sending them twice to one
 *       system has the effect of sending them once. They are not replayed on the legacy backend once
 *       a byte may have reached the target: the write could land on both sides.</li>
 * </ul>
 * Whatever the method, a request of which no byte reached the target (connect refused, circuit
 * open, bulkhead full) may go to the legacy backend.
 */
public final class Idempotency {

    private Idempotency() {
    }

    /** GET, HEAD, OPTIONS, TRACE. */
    public static boolean safe(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE" -> true;
            default -> false;
        };
    }

    /** Safe methods plus PUT and DELETE. */
    public static boolean idempotent(String method) {
        return safe(method) || method.equals("PUT") || method.equals("DELETE");
    }
}
