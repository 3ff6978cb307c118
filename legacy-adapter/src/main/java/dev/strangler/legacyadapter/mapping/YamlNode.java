package dev.strangler.legacyadapter.mapping;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML node that remembers where it came from (line and key path), so every mapping error
 * can name file, line and key. Jackson's tree model drops locations, hence this small reader
 * over Jackson's streaming YAML parser.
 */
final class YamlNode {

    enum Kind { MAP, LIST, SCALAR, NULL }

    final Kind kind;
    final String path;
    final int line;
    final Map<String, YamlNode> fields;
    final List<YamlNode> items;
    final String text;

    private YamlNode(Kind kind, String path, int line, Map<String, YamlNode> fields, List<YamlNode> items, String text) {
        this.kind = kind;
        this.path = path;
        this.line = line;
        this.fields = fields;
        this.items = items;
        this.text = text;
    }

    static YamlNode parse(String content) throws IOException {
        try (JsonParser p = new YAMLFactory().createParser(content)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new YamlNode(Kind.NULL, "", 1, Map.of(), List.of(), null);
            }
            return read(p, "");
        }
    }

    private static YamlNode read(JsonParser p, String path) throws IOException {
        JsonLocation loc = p.currentTokenLocation();
        int line = loc.getLineNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, YamlNode> fields = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    fields.put(name, read(p, path.isEmpty() ? name : path + "." + name));
                }
                return new YamlNode(Kind.MAP, path, line, Collections.unmodifiableMap(fields), List.of(), null);
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p, path + "[" + i++ + "]"));
                }
                return new YamlNode(Kind.LIST, path, line, Map.of(), List.copyOf(items), null);
            }
            case VALUE_NULL -> {
                return new YamlNode(Kind.NULL, path, line, Map.of(), List.of(), null);
            }
            default -> {
                return new YamlNode(Kind.SCALAR, path, line, Map.of(), List.of(), p.getText());
            }
        }
    }

    boolean isMap() {
        return kind == Kind.MAP;
    }

    boolean isScalar() {
        return kind == Kind.SCALAR;
    }

    boolean isList() {
        return kind == Kind.LIST;
    }

    YamlNode get(String name) {
        return fields.get(name);
    }

    @Override
    public String toString() {
        return path + "@" + line;
    }
}
