package dev.strangler.shadow.diff;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A JSON Pointer pattern: {@code *} matches any one segment (array index or field name),
 * {@code **} any number of segments (including none). Examples: {@code /meta/requestId},
 * {@code /appointments/*&#47;updatedAt}, {@code /**&#47;etag}.
 */
public final class PointerPattern {

    private static final String ONE = "*";
    private static final String ANY = "**";

    private final String text;
    private final String[] segments;

    private PointerPattern(String text, String[] segments) {
        this.text = text;
        this.segments = segments;
    }

    /**
     * Parses a pattern.
     *
     * @throws IllegalArgumentException if it does not start with {@code /}
     */
    public static PointerPattern parse(String pattern) {
        requireNonNull(pattern, "pattern");
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("pointer pattern: '" + pattern
                    + "' (expected: a JSON Pointer starting with /, * for one segment, ** for any depth)");
        }
        List<String> parts = new ArrayList<>();
        for (String raw : pattern.substring(1).split("/", -1)) {
            parts.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return new PointerPattern(pattern, parts.toArray(new String[0]));
    }

    /** True if the path {@code path[0..depth)} matches this pattern exactly. */
    public boolean matches(String[] path, int depth) {
        return match(0, path, 0, depth);
    }

    /** True if the concrete pointer matches (convenience, parses the pointer). */
    public boolean matches(String pointer) {
        PointerPattern concrete = parse(pointer);
        return matches(concrete.segments, concrete.segments.length);
    }

    private boolean match(int p, String[] path, int i, int depth) {
        while (p < segments.length) {
            String seg = segments[p];
            if (seg.equals(ANY)) {
                for (int skip = i; skip <= depth; skip++) {
                    if (match(p + 1, path, skip, depth)) {
                        return true;
                    }
                }
                return false;
            }
            if (i >= depth || !(seg.equals(ONE) || seg.equals(path[i]))) {
                return false;
            }
            p++;
            i++;
        }
        return i == depth;
    }

    @Override
    public String toString() {
        return text;
    }
}
