package dev.strangler.proxy.internal;

import dev.strangler.proxy.backend.Idempotency;

/**
 * Decides what happens to a request whose attempt failed: send it again (and where) or answer with
 * an error. Pure function of the facts, so every rule is unit-tested on its own.
 *
 * <p>The rules (see {@link Idempotency} for the method classes):
 * <ul>
 *   <li>nothing reached the backend (refused by circuit/bulkhead, connect failed): any method goes
 *       to another endpoint of the same backend, else to the legacy backend;</li>
 *   <li>a pooled connection closed before answering (stale): idempotent methods are sent once more
 *       on a fresh connection;</li>
 *   <li>a fresh connection closed before answering: idempotent methods go to another endpoint of
 *       the same backend; safe methods may then fall back to the legacy backend;</li>
 *   <li>no answer in time, or a 5xx: safe methods fall back to the legacy backend;</li>
 *   <li>a replay after bytes were sent needs the whole request held in the replay buffer.</li>
 * </ul>
 */
final class ReplayPolicy {

    /** How an attempt failed. */
    enum Failure { REFUSED, CONNECT, STALE, RESET, TIMEOUT, SERVER_ERROR }

    /** What to do about it. */
    enum Action {
        /** Same backend, a fresh connection (the same endpoint may be picked). */
        RETRY_FRESH,
        /** Same backend, another endpoint. */
        RETRY_OTHER_ENDPOINT,
        /** The route's legacy backend. */
        FALLBACK,
        /** Pass the backend's own response on (5xx that may not be replayed). */
        PASS,
        /** Answer with a proxy error. */
        FAIL
    }

    /**
     * @param method          request method
     * @param canFallBack     the attempt was on the route's target and no fallback happened yet
     * @param bufferUsable    every byte sent so far is held for replay
     * @param staleRetried    a stale-connection retry already happened
     * @param retriesLeft     same-backend retries are still allowed
     * @param otherEndpoint   the backend has another endpoint to offer
     */
    static Action decide(Failure f, String method, boolean canFallBack, boolean bufferUsable, boolean staleRetried,
                         boolean retriesLeft, boolean otherEndpoint) {
        boolean idempotent = Idempotency.idempotent(method) && bufferUsable;
        boolean safe = Idempotency.safe(method) && bufferUsable;
        switch (f) {
            case REFUSED:
                return canFallBack ? Action.FALLBACK : Action.FAIL;
            case CONNECT:
                if (retriesLeft && otherEndpoint) {
                    return Action.RETRY_OTHER_ENDPOINT;
                }
                return canFallBack ? Action.FALLBACK : Action.FAIL;
            case STALE:
                if (idempotent && !staleRetried && retriesLeft) {
                    return Action.RETRY_FRESH;
                }
                return decide(Failure.RESET, method, canFallBack, bufferUsable, true, retriesLeft, otherEndpoint);
            case RESET:
                if (idempotent && retriesLeft && otherEndpoint) {
                    return Action.RETRY_OTHER_ENDPOINT;
                }
                return safe && canFallBack ? Action.FALLBACK : Action.FAIL;
            case TIMEOUT:
                return safe && canFallBack ? Action.FALLBACK : Action.FAIL;
            case SERVER_ERROR:
                return safe && canFallBack ? Action.FALLBACK : Action.PASS;
            default:
                throw new IllegalArgumentException("failure " + f);
        }
    }

    private ReplayPolicy() {
    }
}
