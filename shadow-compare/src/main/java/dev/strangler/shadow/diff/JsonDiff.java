package dev.strangler.shadow.diff;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;

import static java.util.Objects.requireNonNull;

/**
 * Structural comparison of two JSON trees. Each difference is a JSON Pointer (into the
 * primary's array positions where elements were paired by key or as a set) with a
 * {@link DiffKind}. Immutable and thread-safe: all per-call state lives in a {@link Walk}.
 */
public final class JsonDiff {

    private final DiffOptions options;
    private final BigDecimal tolerance;

    public JsonDiff(DiffOptions options) {
        this.options = requireNonNull(options, "options");
        this.tolerance = BigDecimal.valueOf(options.numberTolerance());
    }

    /** The differences between {@code primary} and {@code shadow}, in document order. */
    public List<Difference> diff(JsonNode primary, JsonNode shadow) {
        Walk walk = new Walk();
        walk.compare(primary, shadow);
        return walk.out;
    }

    /** One comparison's path stack and output. */
    private final class Walk {
        private String[] path = new String[16];
        private int depth;
        private List<Difference> out = new ArrayList<>();

        void compare(JsonNode a, JsonNode b) {
            if (!options.ignore().isEmpty() && ignored()) {
                return;
            }
            JsonNodeType ta = a.getNodeType();
            JsonNodeType tb = b.getNodeType();
            if (ta != tb) {
                add(DiffKind.TYPE);
                return;
            }
            switch (ta) {
                case OBJECT -> compareObjects(a, b);
                case ARRAY -> compareArrays(a, b);
                case NUMBER -> {
                    if (!numbersEqual(a, b)) {
                        add(DiffKind.CHANGED);
                    }
                }
                default -> {
                    if (!a.equals(b)) {
                        add(DiffKind.CHANGED);
                    }
                }
            }
        }

        private void compareObjects(JsonNode a, JsonNode b) {
            for (Map.Entry<String, JsonNode> field : a.properties()) {
                JsonNode other = b.get(field.getKey());
                push(field.getKey());
                if (other == null) {
                    addUnlessIgnored(DiffKind.MISSING);
                } else {
                    compare(field.getValue(), other);
                }
                pop();
            }
            Iterator<String> names = b.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!a.has(name)) {
                    push(name);
                    addUnlessIgnored(DiffKind.EXTRA);
                    pop();
                }
            }
        }

        private void compareArrays(JsonNode a, JsonNode b) {
            DiffOptions.CompiledArrayRule rule = ruleHere();
            if (rule == null || rule.mode() == ArrayMode.INDEX) {
                compareByIndex(a, b);
            } else if (rule.mode() == ArrayMode.KEYED) {
                compareByKey(a, b, rule.key());
            } else {
                compareAsSet(a, b, allIndices(a), allIndices(b));
            }
        }

        private void compareByIndex(JsonNode a, JsonNode b) {
            int common = Math.min(a.size(), b.size());
            for (int i = 0; i < common; i++) {
                push(Integer.toString(i));
                compare(a.get(i), b.get(i));
                pop();
            }
            for (int i = common; i < a.size(); i++) {
                elementDifference(i, DiffKind.MISSING);
            }
            for (int i = common; i < b.size(); i++) {
                elementDifference(i, DiffKind.EXTRA);
            }
        }

        private void compareByKey(JsonNode a, JsonNode b, String key) {
            Map<String, Integer> shadowByKey = new LinkedHashMap<>();
            List<Integer> keylessA = new ArrayList<>();
            List<Integer> keylessB = new ArrayList<>();
            for (int j = 0; j < b.size(); j++) {
                JsonNode k = b.get(j).get(key);
                if (k == null || k.isContainerNode() || shadowByKey.putIfAbsent(k.asText(), j) != null) {
                    keylessB.add(j); // no usable key, or a duplicate: paired as a set below
                }
            }
            boolean[] paired = new boolean[b.size()];
            for (int i = 0; i < a.size(); i++) {
                JsonNode k = a.get(i).get(key);
                Integer j = k == null || k.isContainerNode() ? null : shadowByKey.get(k.asText());
                if (k == null || k.isContainerNode()) {
                    keylessA.add(i);
                } else if (j == null || paired[j]) {
                    elementDifference(i, DiffKind.MISSING);
                } else {
                    paired[j] = true;
                    push(Integer.toString(i));
                    compare(a.get(i), b.get(j));
                    pop();
                }
            }
            for (Map.Entry<String, Integer> entry : shadowByKey.entrySet()) {
                if (!paired[entry.getValue()]) {
                    elementDifference(entry.getValue(), DiffKind.EXTRA);
                }
            }
            compareAsSet(a, b, keylessA, keylessB);
        }

        private void compareAsSet(JsonNode a, JsonNode b, List<Integer> fromA, List<Integer> fromB) {
            boolean[] used = new boolean[b.size()];
            for (int i : fromA) {
                boolean found = false;
                for (int j : fromB) {
                    if (!used[j] && equivalent(i, a.get(i), b.get(j))) {
                        used[j] = true;
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    elementDifference(i, DiffKind.MISSING);
                }
            }
            for (int j : fromB) {
                if (!used[j]) {
                    elementDifference(j, DiffKind.EXTRA);
                }
            }
        }

        /** Equal under this diff's rules (tolerance, ignores), judged at element position i. */
        private boolean equivalent(int i, JsonNode x, JsonNode y) {
            List<Difference> saved = out;
            out = new ArrayList<>(0);
            push(Integer.toString(i));
            compare(x, y);
            pop();
            boolean equal = out.isEmpty();
            out = saved;
            return equal;
        }

        private void elementDifference(int index, DiffKind kind) {
            push(Integer.toString(index));
            addUnlessIgnored(kind);
            pop();
        }

        private boolean numbersEqual(JsonNode a, JsonNode b) {
            if (a.isIntegralNumber() && b.isIntegralNumber() && a.canConvertToLong() && b.canConvertToLong()) {
                long diff = Math.abs(a.longValue() - b.longValue());
                return diff == 0 || diff <= options.numberTolerance();
            }
            if (isBinaryNumber(a) && isBinaryNumber(b)) {
                // Both parsed as double/int/long: comparing doubles is exact for them and avoids BigDecimal.
                double delta = Math.abs(a.doubleValue() - b.doubleValue());
                return delta == 0 || delta <= options.numberTolerance();
            }
            BigDecimal delta = a.decimalValue().subtract(b.decimalValue()).abs();
            return delta.compareTo(tolerance) <= 0;
        }

        private static boolean isBinaryNumber(JsonNode n) {
            return n.isDouble() || n.isFloat() || n.isInt() || n.isLong() || n.isShort();
        }

        private DiffOptions.CompiledArrayRule ruleHere() {
            for (DiffOptions.CompiledArrayRule rule : options.arrays()) {
                if (rule.pattern().matches(path, depth)) {
                    return rule;
                }
            }
            return null;
        }

        private boolean ignored() {
            for (PointerPattern pattern : options.ignore()) {
                if (pattern.matches(path, depth)) {
                    return true;
                }
            }
            return false;
        }

        private void addUnlessIgnored(DiffKind kind) {
            if (options.ignore().isEmpty() || !ignored()) {
                add(kind);
            }
        }

        private void add(DiffKind kind) {
            out.add(new Difference(pointer(), kind));
        }

        private String pointer() {
            if (depth == 0) {
                return Difference.BODY;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < depth; i++) {
                sb.append('/').append(path[i].replace("~", "~0").replace("/", "~1"));
            }
            return sb.toString();
        }

        private void push(String segment) {
            if (depth == path.length) {
                path = Arrays.copyOf(path, depth * 2);
            }
            path[depth++] = segment;
        }

        private void pop() {
            depth--;
        }

        private List<Integer> allIndices(JsonNode array) {
            List<Integer> indices = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                indices.add(i);
            }
            return indices;
        }
    }
}
