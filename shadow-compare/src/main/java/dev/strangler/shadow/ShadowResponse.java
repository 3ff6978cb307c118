package dev.strangler.shadow;

import static java.util.Objects.requireNonNull;

/**
 * One backend's answer as the comparator sees it: status, headers and the (possibly
 * truncated) body bytes. The proxy copies the body out of its Netty buffers before handing it
 * over, so this object owns its array and nothing here is reference-counted.
 *
 * @param status         HTTP status code
 * @param headers        response headers
 * @param body           body bytes, at most the configured body limit
 * @param bodyTruncated  true if the proxy cut the body at its limit (such bodies are compared
 *                       by status and headers only, and counted as an error if they differ)
 * @param latencyNanos   time from sending the request to the last body byte, or -1 if unknown
 */
public record ShadowResponse(int status, HttpHeaders headers, byte[] body, boolean bodyTruncated, long latencyNanos) {

    public ShadowResponse {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100..999)");
        }
        requireNonNull(headers, "headers");
        requireNonNull(body, "body");
    }

    /** A complete response with unknown latency. */
    public static ShadowResponse of(int status, HttpHeaders headers, byte[] body) {
        return new ShadowResponse(status, headers, body, false, -1);
    }

    public String contentType() {
        String value = headers.get("content-type");
        return value == null ? "" : value;
    }

    @Override
    public String toString() {
        return "ShadowResponse[status=" + status + ", bodyBytes=" + body.length + "]";
    }
}
