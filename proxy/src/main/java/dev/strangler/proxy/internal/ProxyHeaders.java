package dev.strangler.proxy.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Header rewriting on the way through: hop-by-hop headers (RFC 9110 §7.6.1, plus every header named
 * in {@code Connection}) are removed, framing is re-applied per hop, and the forwarding headers are
 * set. Header names are pre-built {@link AsciiString}s so the hot path does no string work for them.
 */
final class ProxyHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int MAX_REQUEST_ID = 128;

    private ProxyHeaders() {
    }

    /** Prepares a client request for the backend; {@code clientIp} is appended to X-Forwarded-For. */
    static void prepareRequest(HttpRequest req, String clientIp, boolean upgrade) {
        HttpHeaders h = req.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(req);
        stripHopByHop(h, upgrade);
        if (chunked) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (upgrade) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        String xff = h.get(X_FORWARDED_FOR);
        h.set(X_FORWARDED_FOR, xff == null ? clientIp : xff + ", " + clientIp);
        if (!h.contains(X_FORWARDED_PROTO)) {
            h.set(X_FORWARDED_PROTO, HTTP);
        }
        if (!h.contains(X_FORWARDED_HOST)) {
            String host = h.get(HttpHeaderNames.HOST);
            if (host != null) {
                h.set(X_FORWARDED_HOST, host);
            }
        }
        String id = h.get(X_REQUEST_ID);
        if (id == null || !validRequestId(id)) {
            h.set(X_REQUEST_ID, newRequestId());
        }
        // Backend connections are HTTP/1.1 keep-alive whatever the client spoke.
        req.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /**
     * Prepares a backend response for the client. Returns false when the body can only be
     * delimited by closing the connection (then the client connection must close after it).
     */
    static boolean prepareResponse(HttpResponse resp, boolean keepAlive, boolean clientHttp11, boolean headRequest) {
        HttpHeaders h = resp.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(resp);
        stripHopByHop(h, false);
        int code = resp.status().code();
        boolean mayHaveBody = !headRequest && code >= 200 && code != 204 && code != 304;
        boolean delimited = true;
        if (chunked && clientHttp11) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else if (mayHaveBody && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (clientHttp11) {
                // Backend delimits by close (or chunked): re-frame as chunked so the client connection survives.
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                delimited = false;
            }
        }
        resp.setProtocolVersion(HttpVersion.HTTP_1_1); // we speak 1.1 to the client whatever the backend spoke
        boolean keep = keepAlive && delimited;
        if (!keep) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (!clientHttp11) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return keep;
    }

    /** Prepares the backend's 101 for the client: keeps Upgrade, Connection: upgrade. */
    static void prepareUpgradeResponse(HttpResponse resp) {
        stripHopByHop(resp.headers(), true);
        resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    }

    static void stripHopByHop(HttpHeaders h, boolean keepUpgrade) {
        List<String> connection = h.contains(HttpHeaderNames.CONNECTION)
                ? h.getAll(HttpHeaderNames.CONNECTION) : List.of();
        for (String value : connection) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty() && !(keepUpgrade && name.equalsIgnoreCase("upgrade"))) {
                    h.remove(name);
                }
            }
        }
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(PROXY_CONNECTION);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
        h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
        if (!keepUpgrade) {
            h.remove(HttpHeaderNames.UPGRADE);
        }
    }

    static boolean isWebSocketUpgrade(HttpRequest req) {
        HttpHeaders h = req.headers();
        return h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && h.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private static boolean validRequestId(String id) {
        if (id.isEmpty() || id.length() > MAX_REQUEST_ID) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** 128 random bits as 32 hex digits (ThreadLocalRandom: no SecureRandom contention per request). */
    static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = r.nextLong();
        long lo = r.nextLong();
        char[] out = new char[32];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (hi & 0xf)];
            hi >>>= 4;
            out[16 + i] = HEX[(int) (lo & 0xf)];
            lo >>>= 4;
        }
        return new String(out);
    }
}
