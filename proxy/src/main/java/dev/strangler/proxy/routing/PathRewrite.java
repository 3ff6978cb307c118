package dev.strangler.proxy.routing;

import static java.util.Objects.requireNonNull;

/**
 * Path rewrite applied only when a request goes to the route's target: a leading {@code prefix}
 * is replaced by {@code replacement} (query string kept).
 */
public record PathRewrite(String prefix, String replacement) {

    public PathRewrite {
        requireNonNull(prefix, "prefix");
        requireNonNull(replacement, "replacement");
        if (!prefix.startsWith("/")) {
            throw new IllegalArgumentException("rewrite.prefix: " + prefix + " (expected: starts with /)");
        }
    }

    /** The rewritten request URI, or the URI unchanged when it does not start with the prefix. */
    public String apply(String uri) {
        return uri.startsWith(prefix) ? replacement + uri.substring(prefix.length()) : uri;
    }
}
