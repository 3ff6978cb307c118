package dev.strangler.cli;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Resolved connection settings for the proxy's admin API (see {@link AdminOptions}).
 *
 * @param baseUri     admin API base, e.g. {@code http://127.0.0.1:9901} (no trailing slash)
 * @param adminSource where {@code baseUri} came from (flag, variable, config key or default)
 * @param token       bearer token, empty when none is configured (reads still work, except audit)
 * @param tokenSource where the token came from, {@code "none"} when empty
 * @param timeout     per-request timeout (connect and response)
 */
public record AdminSettings(URI baseUri, String adminSource, Optional<String> token, String tokenSource,
        Duration timeout) {

    public AdminSettings {
        requireNonNull(baseUri, "baseUri");
        requireNonNull(adminSource, "adminSource");
        requireNonNull(token, "token");
        requireNonNull(tokenSource, "tokenSource");
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
    }

    /** Never prints the token itself. */
    @Override
    public String toString() {
        return "AdminSettings[admin=" + baseUri + " (" + adminSource + "), token="
                + (token.isPresent() ? "****" : "none") + " (" + tokenSource + "), timeout=" + timeout + "]";
    }
}
