package dev.strangler.shadow;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * Everything the proxy hands to {@link ShadowComparator#submit(ShadowExchange)} for one
 * mirrored request. Plain Java types only (no Netty), copied out of the proxy's buffers, so
 * the comparator may keep it after the proxy has released its own messages.
 *
 * <p>Build with {@link #builder(String)}. Required: route id, method, path, primary response,
 * and either a shadow response or an outcome of {@code TIMEOUT}/{@code ERROR}.
 *
 * @param routeId        id of the route the request matched (a metric tag: low cardinality)
 * @param method         HTTP method, upper case
 * @param path           request path without the query string
 * @param query          raw query string without {@code ?}, empty if none
 * @param requestHeaders request headers as the client sent them
 * @param requestBody    request body bytes (bounded by the proxy), empty if none
 * @param primary        the response the client got
 * @param shadowOutcome  whether the shadow answered, timed out or failed
 * @param shadow         the shadow's response, null unless {@code shadowOutcome == RESPONDED}
 * @param secondPrimary  a second answer from the primary to the same request, for noise
 *                       learning; null when the proxy did not ask twice
 * @param startedAt      when the proxy received the request
 * @param primarySide    the side that answered the client (the copy went to the other)
 */
public record ShadowExchange(String routeId, String method, String path, String query,
                             HttpHeaders requestHeaders, byte[] requestBody,
                             ShadowResponse primary, ShadowOutcome shadowOutcome, ShadowResponse shadow,
                             ShadowResponse secondPrimary, Instant startedAt, Side primarySide) {

    public ShadowExchange {
        requireNonNull(routeId, "routeId");
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        query = query == null ? "" : query;
        requestHeaders = requestHeaders == null ? HttpHeaders.empty() : requestHeaders;
        requestBody = requestBody == null ? new byte[0] : requestBody;
        requireNonNull(primary, "primary (route " + routeId + ")");
        requireNonNull(shadowOutcome, "shadowOutcome (route " + routeId + ")");
        if ((shadowOutcome == ShadowOutcome.RESPONDED) != (shadow != null)) {
            throw new IllegalArgumentException("route " + routeId + ": shadow response "
                    + (shadow == null ? "missing" : "present") + " with outcome " + shadowOutcome
                    + " (expected: a shadow response exactly when the outcome is RESPONDED)");
        }
        requireNonNull(startedAt, "startedAt");
        requireNonNull(primarySide, "primarySide");
    }

    public static Builder builder(String routeId) {
        return new Builder(routeId);
    }

    /** {@code METHOD /path?query}, as sent by the client (not redacted: never log it). */
    public String requestLine() {
        return method + " " + path + (query.isEmpty() ? "" : "?" + query);
    }

    @Override
    public String toString() {
        // No path, query or bodies: they may identify a patient.
        return "ShadowExchange[route=" + routeId + ", method=" + method + ", outcome=" + shadowOutcome + "]";
    }

    /** Builder for {@link ShadowExchange}; not thread-safe. */
    public static final class Builder {
        private final String routeId;
        private String method = "GET";
        private String path = "/";
        private String query = "";
        private HttpHeaders requestHeaders = HttpHeaders.empty();
        private byte[] requestBody = new byte[0];
        private ShadowResponse primary;
        private ShadowOutcome outcome;
        private ShadowResponse shadow;
        private ShadowResponse secondPrimary;
        private Instant startedAt = Instant.now();
        private Side primarySide = Side.LEGACY;

        private Builder(String routeId) {
            this.routeId = routeId;
        }

        public Builder request(String method, String path, String query) {
            this.method = method;
            this.path = path;
            this.query = query;
            return this;
        }

        public Builder requestHeaders(HttpHeaders headers) {
            this.requestHeaders = headers;
            return this;
        }

        public Builder requestBody(byte[] body) {
            this.requestBody = body;
            return this;
        }

        public Builder primary(ShadowResponse primary) {
            this.primary = primary;
            return this;
        }

        /** The shadow answered. */
        public Builder shadow(ShadowResponse shadow) {
            this.shadow = shadow;
            this.outcome = ShadowOutcome.RESPONDED;
            return this;
        }

        /** The shadow timed out or failed. */
        public Builder shadowFailed(ShadowOutcome outcome) {
            if (outcome == ShadowOutcome.RESPONDED) {
                throw new IllegalArgumentException("outcome: RESPONDED (expected: TIMEOUT or ERROR; use shadow(response))");
            }
            this.shadow = null;
            this.outcome = outcome;
            return this;
        }

        public Builder secondPrimary(ShadowResponse secondPrimary) {
            this.secondPrimary = secondPrimary;
            return this;
        }

        /** The side that answered the client (default {@code LEGACY}). */
        public Builder primarySide(Side primarySide) {
            this.primarySide = primarySide;
            return this;
        }

        public Builder startedAt(Instant startedAt) {
            this.startedAt = startedAt;
            return this;
        }

        public ShadowExchange build() {
            return new ShadowExchange(routeId, method, path, query, requestHeaders, requestBody,
                    primary, outcome, shadow, secondPrimary, startedAt, primarySide);
        }
    }
}
