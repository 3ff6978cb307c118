package dev.strangler.proxy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a small tree that remembers the line of every key and value, so that
 * validation errors can point at the line to fix. Jackson's {@code JsonNode} drops locations,
 * hence this tree.
 */
final class YamlTree {

    private YamlTree() {
    }

    /** Any node; {@code line} is 1-based. */
    sealed interface Node permits MapNode, ListNode, ScalarNode {
        int line();
    }

    /** A mapping; keeps declaration order and each key's own line. */
    record MapNode(Map<String, Node> entries, Map<String, Integer> keyLines, int line) implements Node {
    }

    /** A sequence. */
    record ListNode(List<Node> items, int line) implements Node {
    }

    /**
     * A scalar; {@code text} is null for YAML null, {@code quotedOrString} tells a string from a
     * number or boolean.
     */
    record ScalarNode(String text, JsonToken token, int line) implements Node {
        boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }
    }

    /** Problem found while reading (syntax error, duplicate key), with its line. */
    record Problem(int line, String path, String message) {
    }

    /** Parses the document; syntax errors and duplicate keys are added to {@code problems}. */
    static Node parse(Reader reader, List<Problem> problems) {
        try (JsonParser p = new YAMLFactory().createParser(reader)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new MapNode(new LinkedHashMap<>(), new LinkedHashMap<>(), 1);
            }
            return read(p, "", problems);
        } catch (IOException e) {
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    && jpe.getLocation() != null ? jpe.getLocation().getLineNr() : 0;
            String msg = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    ? jpe.getOriginalMessage() : e.getMessage();
            problems.add(new Problem(line, "", "not valid YAML: " + firstLine(msg)));
            return null;
        }
    }

    private static Node read(JsonParser p, String path, List<Problem> problems) throws IOException {
        JsonToken t = p.currentToken();
        int line = line(p.currentTokenLocation());
        switch (t) {
            case START_OBJECT -> {
                Map<String, Node> entries = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = line(p.currentTokenLocation());
                    p.nextToken();
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    Node value = read(p, childPath, problems);
                    if (entries.containsKey(key)) {
                        problems.add(new Problem(keyLine, childPath,
                                "duplicate key (first declared on line " + keyLines.get(key) + ")"));
                        continue;
                    }
                    entries.put(key, value);
                    keyLines.put(key, keyLine);
                }
                return new MapNode(entries, keyLines, line);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p, path + "[" + items.size() + "]", problems));
                }
                return new ListNode(items, line);
            }
            default -> {
                String text = t == JsonToken.VALUE_NULL ? null : p.getText();
                return new ScalarNode(text, t, line);
            }
        }
    }

    private static int line(JsonLocation loc) {
        return loc == null ? 0 : loc.getLineNr();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
