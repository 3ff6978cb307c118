package dev.strangler.legacy.normalize;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import static java.util.Objects.requireNonNull;

/**
 * Built-in {@link ResponseNormalizer}s: rename a field, map coded values, drop a field.
 * Pointers may use {@code *} for "every element / every field" in parent segments, e.g.
 * {@code /appointments/*&#47;appt_status}.
 */
public final class ResponseNormalizers {

    private ResponseNormalizers() {
    }

    /** Moves the field at {@code fromPointer} to name {@code toField} within the same object. */
    public static ResponseNormalizer rename(String fromPointer, String toField) {
        PointerPath from = PointerPath.parse(fromPointer);
        requireNonNull(toField, "toField");
        if (toField.isEmpty()) {
            throw new IllegalArgumentException("toField: empty (expected: the new field name)");
        }
        return body -> {
            JsonNode copy = body.deepCopy();
            from.forEachParent(copy, (parent, name) -> {
                JsonNode value = parent.remove(name);
                if (value != null) {
                    parent.set(toField, value);
                }
            });
            return copy;
        };
    }

    /** Replaces textual values at {@code pointer} found in {@code codes}; other values stay. */
    public static ResponseNormalizer mapValues(String pointer, Map<String, String> codes) {
        PointerPath path = PointerPath.parse(pointer);
        Map<String, String> table = Map.copyOf(requireNonNull(codes, "codes"));
        return body -> {
            JsonNode copy = body.deepCopy();
            path.forEachParent(copy, (parent, name) -> {
                JsonNode value = parent.get(name);
                if (value != null && value.isValueNode() && !value.isNull()) {
                    String mapped = table.get(value.asText());
                    if (mapped != null) {
                        parent.set(name, TextNode.valueOf(mapped));
                    }
                }
            });
            return copy;
        };
    }

    /** Removes the field at {@code pointer} (legacy-only fields the new service dropped on purpose). */
    public static ResponseNormalizer remove(String pointer) {
        PointerPath path = PointerPath.parse(pointer);
        return body -> {
            JsonNode copy = body.deepCopy();
            path.forEachParent(copy, (parent, name) -> parent.remove(name));
            return copy;
        };
    }
}
