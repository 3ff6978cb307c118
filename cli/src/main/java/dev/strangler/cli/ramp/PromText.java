package dev.strangler.cli.ramp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), enough for the
 * proxy's {@code /metrics}: {@code name{label="value",…} value [timestamp]} lines, {@code #}
 * comments, {@code +Inf}/{@code -Inf}/{@code NaN}, label-value escapes {@code \\ \" \n}. A line
 * it cannot read is an error naming the line, never skipped: a gate must not pass on a misread.
 * (Neither micrometer nor the Prometheus Java client ship a parser for this format.)
 */
public final class PromText {

    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public Sample {
            labels = Map.copyOf(labels);
        }
    }

    private PromText() {
    }

    /** Every sample of {@code text}, in order; {@link IllegalArgumentException} on a malformed line. */
    public static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (l.isBlank() || l.stripLeading().startsWith("#")) {
                continue;
            }
            try {
                out.add(sample(l.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("metrics line " + lineNo + ": " + e.getMessage()
                        + " (expected: name{label=\"value\"} number)", e);
            }
        }
        return out;
    }

    private static Sample sample(String l) {
        int i = 0;
        while (i < l.length() && isNameChar(l.charAt(i), i == 0)) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("no metric name in '" + abbreviate(l) + "'");
        }
        String name = l.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < l.length() && l.charAt(i) == '{') {
            i = labels(l, i + 1, labels);
        }
        String rest = l.substring(i).strip();
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("no value for " + name);
        }
        String[] parts = rest.split("[ \t]+");
        if (parts.length > 2) {
            throw new IllegalArgumentException("unexpected text after the value of " + name + ": '" + abbreviate(rest) + "'");
        }
        if (parts.length == 2) {
            try {
                Long.parseLong(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("timestamp of " + name + " is not an integer: '" + parts[1] + "'");
            }
        }
        return new Sample(name, labels, value(parts[0], name));
    }

    /** Reads {@code a="x",b="y"}} from {@code i}; returns the index after the closing brace. */
    private static int labels(String l, int i, Map<String, String> labels) {
        while (true) {
            i = skipSpaces(l, i);
            if (i >= l.length()) {
                throw new IllegalArgumentException("unterminated label set");
            }
            if (l.charAt(i) == '}') {
                return i + 1;
            }
            int start = i;
            while (i < l.length() && isNameChar(l.charAt(i), i == start) && l.charAt(i) != ':') {
                i++;
            }
            if (i == start) {
                throw new IllegalArgumentException("bad label name at column " + (i + 1));
            }
            String key = l.substring(start, i);
            i = skipSpaces(l, i);
            if (i + 1 >= l.length() || l.charAt(i) != '=' || l.charAt(skipSpaces(l, i + 1)) != '"') {
                throw new IllegalArgumentException("label " + key + " has no =\"value\"");
            }
            i = skipSpaces(l, i + 1) + 1;
            StringBuilder value = new StringBuilder();
            while (true) {
                if (i >= l.length()) {
                    throw new IllegalArgumentException("unterminated value of label " + key);
                }
                char c = l.charAt(i++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (i >= l.length()) {
                        throw new IllegalArgumentException("unterminated escape in label " + key);
                    }
                    char e = l.charAt(i++);
                    switch (e) {
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        case 'n' -> value.append('\n');
                        default -> throw new IllegalArgumentException("unknown escape \\" + e + " in label " + key);
                    }
                } else {
                    value.append(c);
                }
            }
            if (labels.put(key, value.toString()) != null) {
                throw new IllegalArgumentException("label " + key + " given twice");
            }
            i = skipSpaces(l, i);
            if (i < l.length() && l.charAt(i) == ',') {
                i++;
            } else if (i >= l.length() || l.charAt(i) != '}') {
                throw new IllegalArgumentException("expected , or } after label " + key);
            }
        }
    }

    private static double value(String v, String name) {
        switch (v) {
            case "+Inf", "Inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-Inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "NaN" -> {
                return Double.NaN;
            }
            default -> {
                if (!NUMBER.matcher(v).matches()) {
                    throw new IllegalArgumentException("value of " + name + " is not a number: '" + abbreviate(v) + "'");
                }
                return Double.parseDouble(v);
            }
        }
    }

    private static int skipSpaces(String l, int i) {
        while (i < l.length() && (l.charAt(i) == ' ' || l.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isNameChar(char c, boolean first) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || !first && c >= '0' && c <= '9';
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
