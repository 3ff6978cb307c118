package dev.strangler.proxy.routing;

import static java.util.Objects.requireNonNull;

/**
 * Where a route finds the key that keeps one user on one side of the split.
 *
 * @param source what kind of key
 * @param name   header name, cookie name, or JWT claim name
 */
public record Sticky(Source source, String name) {

    /** Kinds of sticky key. */
    public enum Source {
        /** A request header's value. */
        HEADER,
        /** A cookie's value. */
        COOKIE,
        /**
         * A claim from the payload of an {@code Authorization: Bearer} JWT. The signature is NOT
         * checked: the claim only picks a bucket, it grants nothing.
         */
        JWT_CLAIM
    }

    public Sticky {
        requireNonNull(source, "source");
        requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("sticky " + source + " name is blank");
        }
    }

    /** The config/API key for this source: {@code header}, {@code cookie} or {@code jwtClaim}. */
    public String key() {
        return switch (source) {
            case HEADER -> "header";
            case COOKIE -> "cookie";
            case JWT_CLAIM -> "jwtClaim";
        };
    }
}
