package dev.strangler.proxy.backend;

import java.time.Duration;

/** Validation helper shared by the backend config records. */
final class Durations {

    private Durations() {
    }

    static void positive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + ": " + d + " (expected: a positive duration)");
        }
    }
}
