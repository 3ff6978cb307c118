package dev.strangler.shadow;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the short durations operators type: {@code 90s}, {@code 15m}, {@code 1h}, {@code 7d}. */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([smhd])");

    private Durations() {
    }

    /**
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static Duration parse(String text) {
        Matcher m = SHORT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("duration: '" + text + "' (expected: a number and s, m, h or d, e.g. 15m, 1h, 7d)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
