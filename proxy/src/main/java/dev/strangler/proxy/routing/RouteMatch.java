package dev.strangler.proxy.routing;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a request must look like for a route to apply. Every condition given must hold; an absent
 * condition matches anything.
 *
 * @param pathPrefix  path prefix on segment boundaries: {@code /api/a} matches {@code /api/a} and
 *                    {@code /api/a/1}, not {@code /api/ab}; {@code /} matches every path
 * @param pathPattern Java regular expression the whole path must match (compiled once at load)
 * @param methods     upper-case method names; empty means any method
 * @param headers     header name to exact value
 */
public record RouteMatch(String pathPrefix, Pattern pathPattern, Set<String> methods, Map<String, String> headers) {

    public RouteMatch {
        if (pathPrefix == null && pathPattern == null) {
            throw new IllegalArgumentException("match needs pathPrefix or pathPattern");
        }
        if (pathPrefix != null && !pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("pathPrefix: " + pathPrefix + " (expected: starts with /)");
        }
        methods = Set.copyOf(methods == null ? Set.of() : methods);
        headers = Map.copyOf(headers == null ? Map.of() : headers);
    }

    /** A match on a path prefix alone. */
    public static RouteMatch prefix(String pathPrefix) {
        return new RouteMatch(pathPrefix, null, Set.of(), Map.of());
    }

    /** True when the request's method, path (without query) and headers satisfy this match. */
    public boolean matches(String method, String path, HttpHeaders requestHeaders) {
        if (!methods.isEmpty() && !methods.contains(method)) {
            return false;
        }
        if (pathPrefix != null && !prefixMatches(path)) {
            return false;
        }
        if (pathPattern != null && !pathPattern.matcher(path).matches()) {
            return false;
        }
        if (!headers.isEmpty()) {
            for (Map.Entry<String, String> e : headers.entrySet()) {
                if (!e.getValue().equals(requestHeaders.get(e.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean prefixMatches(String path) {
        if (!path.startsWith(pathPrefix)) {
            return false;
        }
        int n = pathPrefix.length();
        return path.length() == n || pathPrefix.charAt(n - 1) == '/' || path.charAt(n) == '/';
    }
}
