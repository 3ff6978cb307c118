package dev.strangler.cdc;

import java.util.Locale;

/** Which way a syncer copies rows. */
public enum Direction {
    /** Legacy (monolith) database → extracted service's database. */
    FORWARD,
    /** Extracted service's database → legacy database, through the same mapping turned around. */
    REVERSE;

    /** Strict parse: {@code forward} or {@code reverse}. */
    public static Direction parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("direction: '" + s + "' (expected: forward or reverse)", e);
        }
    }

    /** Lower-case name, as used in config, tags and tables. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
