package dev.strangler.legacy.normalize;

import com.fasterxml.jackson.databind.JsonNode;

import static java.util.Objects.requireNonNull;

/**
 * Rewrites a legacy-shaped JSON answer into the extracted service's shape so the shadow
 * comparator can compare the two structurally.
 *
 * <p>Implementations are pure functions: no I/O, no state, and they never mutate their
 * argument (they return a new tree, or the argument itself when nothing changes). They are
 * called concurrently from the comparator's worker threads.
 */
@FunctionalInterface
public interface ResponseNormalizer {

    /** Returns the normalised tree; {@code legacyBody} stays untouched. */
    JsonNode normalize(JsonNode legacyBody);

    /** This normaliser, then {@code next}. */
    default ResponseNormalizer andThen(ResponseNormalizer next) {
        requireNonNull(next, "next");
        return body -> next.normalize(normalize(body));
    }

    /** The normaliser that changes nothing. */
    static ResponseNormalizer identity() {
        return body -> body;
    }
}
