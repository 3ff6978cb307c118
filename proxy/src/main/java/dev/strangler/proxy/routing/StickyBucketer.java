package dev.strangler.proxy.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Deterministic weighted split. A request's bucket is
 * {@code murmur3_32(UTF-8(routeId + ":" + key)) mod 10000} (hash read as unsigned), and it goes to
 * the target when {@code bucket < weightBps}. A key's bucket never changes, so raising a weight only
 * moves keys legacy → target and lowering it only moves them back. Requests without a key get a
 * fresh random bucket each.
 */
public final class StickyBucketer {

    /** Number of buckets; equals {@link Route#MAX_WEIGHT_BPS}. */
    public static final int BUCKETS = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BEARER = "Bearer ";

    private StickyBucketer() {
    }

    /** The stable bucket 0..9999 of {@code key} on route {@code routeId}. */
    public static int bucket(String routeId, String key) {
        byte[] bytes = (routeId + ':' + key).getBytes(StandardCharsets.UTF_8);
        return (int) (Integer.toUnsignedLong(Murmur3.hash32(bytes, 0)) % BUCKETS);
    }

    /**
     * Whether this request goes to the route's target. Weight 0 and 10000 short-cut without
     * looking at the key.
     */
    public static boolean toTarget(Route route, HttpHeaders headers) {
        int weight = route.weightBps();
        if (weight <= 0 || route.target() == null) {
            return false;
        }
        if (weight >= BUCKETS) {
            return true;
        }
        String key = route.sticky() == null ? null : stickyKey(route.sticky(), headers);
        int bucket = key == null ? ThreadLocalRandom.current().nextInt(BUCKETS) : bucket(route.id(), key);
        return bucket < weight;
    }

    /** The sticky key of a request, or null when it has none. */
    public static String stickyKey(Sticky sticky, HttpHeaders headers) {
        return switch (sticky.source()) {
            case HEADER -> emptyToNull(headers.get(sticky.name()));
            case COOKIE -> cookie(headers, sticky.name());
            case JWT_CLAIM -> jwtClaim(headers.get(HttpHeaderNames.AUTHORIZATION), sticky.name());
        };
    }

    private static String cookie(HttpHeaders headers, String name) {
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            // LAX: browsers send cookies that STRICT would drop; we only read a value for bucketing.
            for (Cookie c : ServerCookieDecoder.LAX.decodeAll(header)) {
                if (c.name().equals(name)) {
                    return emptyToNull(c.value());
                }
            }
        }
        return null;
    }

    /**
     * Reads one claim from a bearer JWT's payload without checking the signature: the value only
     * chooses a bucket, so a forged token can at worst pick its own side of the split.
     */
    static String jwtClaim(String authorization, String claim) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0) {
            return null;
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(token.substring(first + 1, second));
            JsonNode value = JSON.readTree(payload).get(claim);
            return value == null || value.isNull() || value.isContainerNode() ? null : emptyToNull(value.asText());
        } catch (IllegalArgumentException | IOException e) {
            // A malformed token has no usable key: the request is bucketed on its own.
            return null;
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
