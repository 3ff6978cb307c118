package dev.strangler.sample.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A path template such as {@code /physicians/{id}/licences/{state}}; immutable. */
public final class PathTemplate {

    private final String text;
    private final List<String> segments; // "{name}" for a parameter, literal otherwise

    private PathTemplate(String text, List<String> segments) {
        this.text = text;
        this.segments = List.copyOf(segments);
    }

    /** Parses {@code template}; it must start with {@code /}. */
    public static PathTemplate parse(String template) {
        if (template == null || !template.startsWith("/")) {
            throw new IllegalArgumentException("path template: '" + template + "' (expected: starting with /)");
        }
        List<String> segs = split(template);
        for (String s : segs) {
            if (s.contains("{") && !(s.startsWith("{") && s.endsWith("}") && s.length() > 2)) {
                throw new IllegalArgumentException("path template " + template + ": segment '" + s
                        + "' (expected: a literal or a whole {name})");
            }
        }
        return new PathTemplate(template, segs);
    }

    /** The non-empty segments of a path. */
    public static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** The parameters when {@code pathSegments} matches, else empty. */
    public Optional<Map<String, String>> match(List<String> pathSegments) {
        if (pathSegments.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String t = segments.get(i);
            if (isParam(t)) {
                params.put(t.substring(1, t.length() - 1), pathSegments.get(i));
            } else if (!t.equals(pathSegments.get(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    /**
     * A key that sorts more specific templates first: per segment {@code 0} for a literal and
     * {@code 1} for a parameter, so a literal wins at the first position where two differ.
     */
    public String specificityKey() {
        StringBuilder key = new StringBuilder(segments.size());
        segments.forEach(s -> key.append(isParam(s) ? '1' : '0'));
        return key.toString();
    }

    boolean sameShape(PathTemplate other) {
        if (segments.size() != other.segments.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            String a = segments.get(i);
            String b = other.segments.get(i);
            if (isParam(a) != isParam(b) || (!isParam(a) && !a.equals(b))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isParam(String segment) {
        return segment.startsWith("{");
    }

    @Override
    public String toString() {
        return text;
    }
}
