package dev.strangler.legacy.normalize;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JSON Pointer whose segments may be {@code *} (every element of an array, every field of
 * an object). Used by the built-in normalisers to address the containers they rewrite.
 */
final class PointerPath {

    private final String text;
    private final List<String> parentSegments;
    private final String last;

    private PointerPath(String text, List<String> segments) {
        this.text = text;
        this.parentSegments = List.copyOf(segments.subList(0, segments.size() - 1));
        this.last = segments.get(segments.size() - 1);
    }

    static PointerPath parse(String pointer) {
        if (pointer == null || !pointer.startsWith("/") || pointer.length() < 2) {
            throw new IllegalArgumentException(
                    "pointer: " + pointer + " (expected: a JSON Pointer such as /patient/status, * for any segment)");
        }
        List<String> segments = new ArrayList<>();
        for (String raw : pointer.substring(1).split("/", -1)) {
            segments.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        if (segments.get(segments.size() - 1).equals("*")) {
            throw new IllegalArgumentException("pointer: " + pointer + " (expected: a field name as last segment, not *)");
        }
        return new PointerPath(pointer, segments);
    }

    String lastSegment() {
        return last;
    }

    /** Calls {@code action} with every object that is a parent of the addressed field in {@code root}. */
    void forEachParent(JsonNode root, BiConsumer<ObjectNode, String> action) {
        visit(root, 0, action);
    }

    private void visit(JsonNode node, int depth, BiConsumer<ObjectNode, String> action) {
        if (depth == parentSegments.size()) {
            if (node instanceof ObjectNode object) {
                action.accept(object, last);
            }
            return;
        }
        String segment = parentSegments.get(depth);
        if (segment.equals("*")) {
            if (node instanceof ArrayNode || node instanceof ObjectNode) {
                for (JsonNode child : node) {
                    visit(child, depth + 1, action);
                }
            }
        } else if (node instanceof ObjectNode object) {
            JsonNode child = object.get(segment);
            if (child != null) {
                visit(child, depth + 1, action);
            }
        } else if (node instanceof ArrayNode array && isIndex(segment)) {
            JsonNode child = array.get(Integer.parseInt(segment));
            if (child != null) {
                visit(child, depth + 1, action);
            }
        }
    }

    private static boolean isIndex(String segment) {
        return !segment.isEmpty() && segment.length() < 10 && segment.chars().allMatch(Character::isDigit);
    }

    @Override
    public String toString() {
        return text;
    }
}
