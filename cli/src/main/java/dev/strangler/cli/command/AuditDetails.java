package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** How an audit entry's {@code details} object reads in one table cell. */
final class AuditDetails {
    /** Widest DETAILS cell in {@code strangler audit}; the JSON output carries the rest. */
    static final int TABLE_WIDTH = 80;

    private AuditDetails() {
    }

    /**
     * {@code step=3 weightBps=2500 gate=errorRatio value=0.12}: top-level keys in order, scalars as
     * text, objects and arrays as compact JSON, cut to {@code width} with "…"; null when empty.
     */
    static String compact(JsonNode details, int width) {
        if (details == null || !details.isObject() || details.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) details::fields) {
            JsonNode v = e.getValue();
            parts.add(e.getKey() + "=" + (v.isValueNode() ? v.asText() : v.toString()));
        }
        String text = String.join(" ", parts);
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
