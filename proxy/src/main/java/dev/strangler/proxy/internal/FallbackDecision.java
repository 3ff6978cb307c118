package dev.strangler.proxy.internal;

import dev.strangler.proxy.backend.BackendGroup;
import dev.strangler.proxy.backend.Endpoint;
import dev.strangler.proxy.backend.FallbackReason;
import dev.strangler.proxy.backend.Idempotency;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;

/**
 * What becomes of an exchange whose attempt failed: applies {@link ReplayPolicy} to the exchange's
 * facts and keeps its bookkeeping (retry counts, fallback metric, the target's failed request in its
 * meters), or words the proxy's error when nothing can be sent again. Stateless; the exchange is
 * the state.
 */
final class FallbackDecision {

    /** Same-backend retries per request (a stale connection and another endpoint). */
    static final int MAX_SAME_BACKEND_RETRIES = 2;

    /** A proxy error answer. Only built on the error path. */
    record ProxyError(HttpResponseStatus status, String code, String message, boolean close, boolean outcomeUnknown) {
    }

    /**
     * Decides and records: after this, RETRY_FRESH / RETRY_OTHER_ENDPOINT mean "dispatch again on
     * {@code x.backendName}", FALLBACK means "dispatch on the route's legacy backend", anything
     * else means "answer with {@link #error}".
     */
    static ReplayPolicy.Action decide(ProxyContext px, Exchange x, ReplayPolicy.Failure f, FallbackReason reason,
                                      Endpoint failed) {
        BackendGroup g = px.backend(x.backendName);
        // A backend that owns its writes (resilience.fallbackWrites: false) never has them replayed on the
        // legacy backend, whose database would take a write the new side's owner never sees.
        boolean canFallBack = x.onTarget && !x.fellBack && (Idempotency.safe(x.method) || g.resilience().fallbackWrites());
        ReplayPolicy.Action action = ReplayPolicy.decide(f, x.method, canFallBack, x.replay != null && x.replay.usable(),
                x.staleRetried, x.sameBackendRetries < MAX_SAME_BACKEND_RETRIES, failed != null && g.hasOther(failed));
        switch (action) {
            case RETRY_FRESH -> {
                x.staleRetried = true;
                x.sameBackendRetries++;
                px.backends.fallback(x.routeId, FallbackReason.STALE_CONNECTION);
            }
            case RETRY_OTHER_ENDPOINT -> x.sameBackendRetries++;
            case FALLBACK -> {
                x.fellBack = true;
                px.backends.fallback(x.routeId, reason);
                // The target failed this request: its requests/latency meters say so (the ramp's gates
                // and the guard read error ratios per backend), then the monolith's answer is counted too.
                x.meters.record(failedStatus(x, f, reason), x.elapsedNanos());
            }
            default -> {
                // answered with an error by the caller
            }
        }
        return action;
    }

    /** True when a 5xx response head from the target is to be dropped and the request replayed on the legacy backend. */
    static boolean replaysServerError(Exchange x) {
        return x.replay != null && x.onTarget && !x.fellBack && x.replay.usable()
                && ReplayPolicy.decide(ReplayPolicy.Failure.SERVER_ERROR, x.method, true, true, x.staleRetried,
                        false, false) == ReplayPolicy.Action.FALLBACK;
    }

    /** The status the target's failure counts as in its meters. */
    private static int failedStatus(Exchange x, ReplayPolicy.Failure f, FallbackReason reason) {
        return switch (f) {
            case SERVER_ERROR -> x.status;
            case TIMEOUT -> 504;
            case REFUSED -> reason == FallbackReason.CONNECT ? 502 : 503;
            default -> 502;
        };
    }

    /** The proxy's answer to a request that cannot be sent (again). */
    static ProxyError error(ProxyContext px, Exchange x, ReplayPolicy.Failure f, FallbackReason reason) {
        boolean unknown = !Idempotency.safe(x.method);
        String b = "backend '" + x.backendName + "'";
        String check = unknown ? "; the request may have been processed (outcome unknown): check before retrying" : "";
        return switch (f) {
            case REFUSED -> {
                if (reason == FallbackReason.CIRCUIT_OPEN) {
                    yield new ProxyError(HttpResponseStatus.SERVICE_UNAVAILABLE, "circuit_open", b
                            + " is failing and its circuit breaker is open; retry later", !x.requestDone, false);
                } else if (reason == FallbackReason.BULKHEAD_FULL) {
                    yield new ProxyError(HttpResponseStatus.SERVICE_UNAVAILABLE, "bulkhead_full", b
                            + " has too many requests in flight (resilience.maxConcurrent); retry later", !x.requestDone, false);
                }
                yield new ProxyError(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", b + " has no endpoint available", true, false);
            }
            case CONNECT -> new ProxyError(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", b
                    + " is unreachable; nothing was sent, retry later", true, false);
            case TIMEOUT -> new ProxyError(HttpResponseStatus.GATEWAY_TIMEOUT, "gateway_timeout", b
                    + " did not answer within " + timeoutMillis(px, x) + " ms" + check, !x.requestDone, unknown);
            default -> new ProxyError(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", b
                    + " closed the connection before answering" + check, !x.requestDone, unknown);
        };
    }

    private static long timeoutMillis(ProxyContext px, Exchange x) {
        Duration fb = px.backend(x.backendName).resilience().firstByteTimeout();
        return (fb != null && fb.compareTo(px.limits.backendTimeout()) < 0 ? fb : px.limits.backendTimeout()).toMillis();
    }

    private FallbackDecision() {
    }
}
