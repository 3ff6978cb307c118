package dev.strangler.proxy.internal;

import dev.strangler.proxy.backend.BackendGroup;
import dev.strangler.proxy.backend.Endpoint;
import dev.strangler.proxy.backend.FallbackReason;
import java.util.concurrent.TimeUnit;

/**
 * One try of a request on one endpoint of a backend: holds the circuit-breaker permission, the
 * bulkhead permit and the endpoint's outstanding count from {@link #start} until {@link #finish},
 * and reports the outcome once (circuit breaker, outlier detection, endpoint metrics). Event-loop
 * confined, like the exchange it belongs to.
 */
final class Attempt {

    /** Exceptions the circuit breaker records; no stack trace (they are outcomes, not bugs). */
    private static final class Failure extends RuntimeException {
        Failure(String what) {
            super(what, null, false, false);
        }
    }

    private static final Failure SERVER_ERROR = new Failure("5xx");
    private static final Failure CONNECT = new Failure("connect failed");
    private static final Failure RESET = new Failure("closed before answering");
    private static final Failure TIMEOUT = new Failure("timed out");

    final BackendGroup group;
    final Endpoint endpoint;
    final long startNanos;
    /** The connection came from the pool (a close before any answer may just mean it was stale). */
    boolean reused;
    private boolean recorded;
    private boolean finished;

    private Attempt(BackendGroup group, Endpoint endpoint) {
        this.group = group;
        this.endpoint = endpoint;
        this.startNanos = System.nanoTime();
        endpoint.acquire();
    }

    /**
     * Asks the circuit breaker, then the bulkhead, then the balancer. Returns the attempt, or
     * null with the reason in {@code refusal[0]} when the backend refuses (nothing was sent).
     */
    static Attempt start(BackendGroup group, Endpoint exclude, FallbackReason[] refusal) {
        if (!group.circuitBreaker().tryAcquirePermission()) {
            refusal[0] = FallbackReason.CIRCUIT_OPEN;
            return null;
        }
        if (!group.bulkhead().tryAcquirePermission()) {
            group.circuitBreaker().releasePermission();
            refusal[0] = FallbackReason.BULKHEAD_FULL;
            return null;
        }
        Endpoint e = group.pick(exclude);
        if (e == null) {
            group.circuitBreaker().releasePermission();
            group.bulkhead().onComplete();
            refusal[0] = FallbackReason.CONNECT;
            return null;
        }
        return new Attempt(group, e);
    }

    /** The response head arrived: a success for the circuit unless it is a 5xx. */
    void responded(int status) {
        if (recorded) {
            return;
        }
        recorded = true;
        long nanos = System.nanoTime() - startNanos;
        if (status >= 500) {
            group.circuitBreaker().onError(nanos, TimeUnit.NANOSECONDS, SERVER_ERROR);
            group.record(endpoint, Endpoint.Outcome.SERVER_ERROR, nanos);
        } else {
            group.circuitBreaker().onSuccess(nanos, TimeUnit.NANOSECONDS);
            group.record(endpoint, Endpoint.Outcome.SUCCESS, nanos);
        }
    }

    /** The attempt failed before a response head; records it and releases everything. */
    void failed(Endpoint.Outcome outcome) {
        if (!recorded) {
            recorded = true;
            long nanos = System.nanoTime() - startNanos;
            Failure f = switch (outcome) {
                case CONNECT_FAILURE -> CONNECT;
                case TIMEOUT -> TIMEOUT;
                case SERVER_ERROR -> SERVER_ERROR;
                default -> RESET;
            };
            group.circuitBreaker().onError(nanos, TimeUnit.NANOSECONDS, f);
            group.record(endpoint, outcome, nanos);
        }
        finish();
    }

    /**
     * Releases the permits and the outstanding count; idempotent. Without a recorded outcome
     * (client gone, stale pooled connection) the circuit permission is handed back unused.
     */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (!recorded) {
            group.circuitBreaker().releasePermission();
        }
        group.bulkhead().onComplete();
        endpoint.release();
    }
}
