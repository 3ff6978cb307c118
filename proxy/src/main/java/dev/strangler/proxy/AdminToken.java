package dev.strangler.proxy;

import static java.util.Objects.requireNonNull;

/**
 * A bearer token for the admin API. {@link #toString()} never shows the secret.
 *
 * @param name   who presents it; recorded as the audit actor
 * @param secret the bearer value
 * @param role   what it may do
 */
public record AdminToken(String name, String secret, Role role) {

    /** What a token may do. */
    public enum Role {
        /** Read-only: may read the audit log, may not change routes (403). */
        VIEWER,
        /** May change weights and roll back. */
        OPERATOR
    }

    public AdminToken {
        requireNonNull(name, "name");
        requireNonNull(secret, "secret");
        requireNonNull(role, "role");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("admin token " + name + ": empty secret");
        }
    }

    @Override
    public String toString() {
        return name + "(" + role.name().toLowerCase(java.util.Locale.ROOT) + ", secret=****)";
    }
}
