package dev.strangler.proxy.backend;

import java.util.Locale;

/** How a backend spreads requests over its endpoints (config key {@code backends.NAME.balance}). */
public enum Balance {
    /** Power of two choices: two random available endpoints, the one with fewer requests in flight wins. */
    LEAST_OUTSTANDING("least-outstanding"),
    /** Each available endpoint in turn. */
    ROUND_ROBIN("round-robin");

    private final String key;

    Balance(String key) {
        this.key = key;
    }

    /** The config spelling, e.g. {@code least-outstanding}. */
    public String key() {
        return key;
    }

    /** Parses the config spelling; null when unknown. */
    public static Balance parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Balance b : values()) {
            if (b.key.equals(t)) {
                return b;
            }
        }
        return null;
    }
}
