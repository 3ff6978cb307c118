package dev.strangler.proxy;

import dev.strangler.proxy.YamlTree.ListNode;
import dev.strangler.proxy.YamlTree.MapNode;
import dev.strangler.proxy.YamlTree.Node;
import dev.strangler.proxy.YamlTree.ScalarNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed access to a {@link YamlTree} that records every problem (with key path and line) instead of
 * stopping at the first: the loader asks for all values, then reports all errors at once.
 */
final class ConfigReader {

    private static final Pattern SECRET_REF = Pattern.compile("\\$\\{(env|file):([^}]*)}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");

    private final String fileName;
    private final Path baseDir;
    private final Function<String, String> env;
    private final List<ConfigError> errors = new ArrayList<>();

    ConfigReader(String fileName, Path baseDir, Function<String, String> env) {
        this.fileName = fileName;
        this.baseDir = baseDir;
        this.env = env;
    }

    List<ConfigError> errors() {
        return errors;
    }

    void error(int line, String path, String message) {
        errors.add(new ConfigError(fileName, line, path, message));
    }

    Path baseDir() {
        return baseDir;
    }

    /** The node as a map, or null (with an error) when it is something else. */
    MapNode map(Node node, String path) {
        if (node instanceof MapNode m) {
            return m;
        }
        if (node != null) {
            error(node.line(), path, describe(node) + " (expected: a mapping of key: value)");
        }
        return null;
    }

    ListNode list(Node node, String path) {
        if (node instanceof ListNode l) {
            return l;
        }
        if (node != null) {
            error(node.line(), path, describe(node) + " (expected: a list)");
        }
        return null;
    }

    /** Reports keys outside {@code known}, with a "did you mean" when one is close. */
    void checkKeys(MapNode m, String path, Set<String> known) {
        for (String key : m.entries().keySet()) {
            if (!known.contains(key)) {
                String suggestion = known.stream()
                        .min(Comparator.comparingInt(k -> distance(k.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT))))
                        .filter(k -> distance(k.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT)) <= 3)
                        .map(k -> "did you mean '" + k + "'? ")
                        .orElse("");
                error(m.keyLines().get(key), join(path, key), "unknown key (" + suggestion
                        + "expected one of: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    /** A string value with {@code ${env:..}}/{@code ${file:..}} resolved; null when absent or invalid. */
    String string(MapNode m, String key, String path, boolean required) {
        Node node = m == null ? null : m.entries().get(key);
        String at = join(path, key);
        if (node == null || node instanceof ScalarNode s && s.isNull()) {
            if (required) {
                error(m == null ? 0 : m.line(), at, "missing (required)");
            }
            return null;
        }
        if (!(node instanceof ScalarNode s)) {
            error(node.line(), at, describe(node) + " (expected: a single value)");
            return null;
        }
        return substitute(s.text(), s.line(), at);
    }

    String string(Node node, String at) {
        if (!(node instanceof ScalarNode s) || s.isNull()) {
            error(node == null ? 0 : node.line(), at, (node == null ? "missing" : describe(node)) + " (expected: a string)");
            return null;
        }
        return substitute(s.text(), s.line(), at);
    }

    int line(MapNode m, String key) {
        if (m == null) {
            return 0;
        }
        Node n = m.entries().get(key);
        return n != null ? n.line() : m.line();
    }

    /** An integer in {@code min..max}, or {@code dflt} when absent; null on error. */
    Long integer(MapNode m, String key, String path, long dflt, long min, long max) {
        Node n = m == null ? null : m.entries().get(key);
        if (n == null || n instanceof ScalarNode s && s.isNull()) {
            return dflt;
        }
        String text = string(m, key, path, false);
        if (text == null) {
            return null;
        }
        try {
            long v = Long.parseLong(text.trim());
            if (v < min || v > max) {
                error(line(m, key), join(path, key), v + " (expected: " + min + ".." + max + ")");
                return null;
            }
            return v;
        } catch (NumberFormatException e) {
            error(line(m, key), join(path, key), "'" + text + "' (expected: an integer " + min + ".." + max + ")");
            return null;
        }
    }

    /** A duration like {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}; {@code dflt} when absent. */
    Duration duration(MapNode m, String key, String path, Duration dflt) {
        String text = string(m, key, path, false);
        if (text == null) {
            return dflt;
        }
        Matcher mt = DURATION.matcher(text.trim());
        if (!mt.matches() || Long.parseLong(mt.group(1)) == 0) {
            error(line(m, key), join(path, key), "'" + text + "' (expected: a positive duration such as 500ms, 10s, 2m, 1h)");
            return dflt;
        }
        long n = Long.parseLong(mt.group(1));
        return switch (mt.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** A byte size like {@code 16384}, {@code 16KiB}, {@code 2GiB}; {@code dflt} when absent. */
    long size(MapNode m, String key, String path, long dflt) {
        String text = string(m, key, path, false);
        if (text == null) {
            return dflt;
        }
        Matcher mt = SIZE.matcher(text.trim());
        if (!mt.matches() || Long.parseLong(mt.group(1)) == 0) {
            error(line(m, key), join(path, key), "'" + text + "' (expected: a positive size such as 16384, 16KiB, 10MiB, 2GiB)");
            return dflt;
        }
        long n = Long.parseLong(mt.group(1));
        String unit = mt.group(2) == null ? "B" : mt.group(2);
        return switch (unit) {
            case "KiB" -> n << 10;
            case "MiB" -> n << 20;
            case "GiB" -> n << 30;
            default -> n;
        };
    }

    /** Like {@link #size} but also accepts {@code 0} (meaning "off"). */
    long sizeOrZero(MapNode m, String key, String path, long dflt) {
        String text = string(m, key, path, false);
        if (text != null && text.trim().equals("0")) {
            return 0;
        }
        return size(m, key, path, dflt);
    }

    /** Resolves {@code ${env:NAME}}, {@code ${env:NAME:-default}} and {@code ${file:PATH}}. */
    String substitute(String text, int line, String at) {
        if (text == null || text.indexOf("${") < 0) {
            return text;
        }
        Matcher mt = SECRET_REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (mt.find()) {
            String value = mt.group(1).equals("env") ? envValue(mt.group(2), line, at) : fileValue(mt.group(2), line, at);
            if (value == null) {
                return null;
            }
            mt.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        mt.appendTail(out);
        return out.toString();
    }

    private String envValue(String ref, int line, String at) {
        int dflt = ref.indexOf(":-");
        String name = dflt < 0 ? ref : ref.substring(0, dflt);
        String value = env.apply(name);
        if (value == null || value.isEmpty()) {
            if (dflt >= 0) {
                return ref.substring(dflt + 2);
            }
            error(line, at, "environment variable " + name + " is not set (set it, or write ${env:" + name
                    + ":-default} for a fallback)");
            return null;
        }
        return value;
    }

    private String fileValue(String ref, int line, String at) {
        Path p = baseDir.resolve(ref.trim());
        try {
            return Files.readString(p, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            error(line, at, "cannot read secret file " + p + " (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String describe(Node node) {
        if (node instanceof MapNode) {
            return "a mapping";
        }
        if (node instanceof ListNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) node;
        return s.isNull() ? "null" : "'" + s.text() + "'";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
