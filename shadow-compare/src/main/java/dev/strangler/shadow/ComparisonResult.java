package dev.strangler.shadow;

import java.util.Locale;

/** Outcome of one mirrored exchange; the {@code result} tag of {@code strangler.shadow.comparisons}. */
public enum ComparisonResult {
    /** No differences, or only differences learned as noise. */
    MATCH,
    /** At least one real difference. */
    MISMATCH,
    /** The shadow did not answer in time (not a difference). */
    TIMEOUT,
    /** The shadow failed, or the exchange could not be compared (e.g. truncated bodies). */
    ERROR;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
