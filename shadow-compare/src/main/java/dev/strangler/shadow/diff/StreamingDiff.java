package dev.strangler.shadow.diff;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * The fast path of {@link JsonDiff}: walks both bodies' token streams in lock-step, without
 * building trees, as long as their shapes line up (same keys in the same order — what two
 * serialisers of the same model usually produce). It gives exactly the differences
 * {@link JsonDiff} gives, or null when it cannot ("use the trees"): keys in another order or
 * missing on one side, duplicate keys, objects of more than 64 keys, invalid or empty JSON. Only used without array rules and
 * without normalisers (both need trees). Thread-safe.
 */
final class StreamingDiff {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER, StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
            .build();

    /** Thrown (without a stack) when the shapes do not line up: the caller diffs trees instead. */
    private static final class Misaligned extends Exception {
        Misaligned() {
            super(null, null, false, false);
        }
    }

    private static final Misaligned MISALIGNED = new Misaligned();

    private final DiffOptions options;
    private final BigDecimal tolerance;

    StreamingDiff(DiffOptions options) {
        this.options = options;
        this.tolerance = BigDecimal.valueOf(options.numberTolerance());
    }

    /** True when this fast path applies to the options at all. */
    static boolean applies(DiffOptions options) {
        return options.arrays().isEmpty();
    }

    /** The differences, in document order, or null when the trees must decide. */
    List<Difference> diff(byte[] a, byte[] b) {
        if (a.length == 0 || b.length == 0) {
            return null;
        }
        try (JsonParser pa = JSON.createParser(a); JsonParser pb = JSON.createParser(b)) {
            Walk w = new Walk(pa, pb);
            JsonToken ta = pa.nextToken();
            JsonToken tb = pb.nextToken();
            if (ta == null || tb == null) {
                return null;
            }
            w.value(ta, tb);
            return w.out;
        } catch (IOException | Misaligned | RuntimeException e) {
            return null; // invalid JSON, a duplicate key, or shapes that differ: JsonDiff on trees decides
        }
    }

    private final class Walk {
        private final JsonParser pa;
        private final JsonParser pb;
        private String[] path = new String[16];
        private int depth;
        final List<Difference> out = new ArrayList<>(2);

        Walk(JsonParser pa, JsonParser pb) {
            this.pa = pa;
            this.pb = pb;
        }

        /** Compares the values starting at the current tokens; leaves both parsers on their last token. */
        void value(JsonToken ta, JsonToken tb) throws IOException, Misaligned {
            if (!options.ignore().isEmpty() && ignored()) {
                pa.skipChildren();
                pb.skipChildren();
                return;
            }
            int kind = kind(ta);
            if (kind != kind(tb)) {
                add(DiffKind.TYPE);
                pa.skipChildren();
                pb.skipChildren();
                return;
            }
            switch (ta) {
                case START_OBJECT -> objects();
                case START_ARRAY -> arrays();
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    if (!numbersEqual()) {
                        add(DiffKind.CHANGED);
                    }
                }
                case VALUE_STRING -> {
                    if (!pa.getText().equals(pb.getText())) {
                        add(DiffKind.CHANGED);
                    }
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    if (ta != tb) {
                        add(DiffKind.CHANGED);
                    }
                }
                case VALUE_NULL -> {
                }
                default -> throw MISALIGNED; // embedded objects and the like: not from JSON text
            }
        }

        private void objects() throws IOException, Misaligned {
            // Duplicate keys: trees keep the last value, a lock-step walk would compare each. Names are
            // the same on both sides here, so checking one side suffices. A scan of the few names of
            // an object is far cheaper than Jackson's STRICT_DUPLICATE_DETECTION (a HashSet per object).
            String[] seen = null;
            int count = 0;
            while (true) {
                JsonToken ta = pa.nextToken();
                JsonToken tb = pb.nextToken();
                if (ta == JsonToken.END_OBJECT && tb == JsonToken.END_OBJECT) {
                    return;
                }
                if (ta != JsonToken.FIELD_NAME || tb != JsonToken.FIELD_NAME) {
                    throw MISALIGNED; // a field missing or extra on one side
                }
                String name = pa.currentName();
                if (!name.equals(pb.currentName())) {
                    throw MISALIGNED; // another order or another field
                }
                if (seen == null) {
                    seen = new String[8];
                } else if (count == seen.length) {
                    if (count >= 64) {
                        throw MISALIGNED; // a very wide object: the trees check duplicates with a map
                    }
                    seen = Arrays.copyOf(seen, count * 2);
                }
                for (int i = 0; i < count; i++) {
                    if (seen[i].equals(name)) {
                        throw MISALIGNED;
                    }
                }
                seen[count++] = name;
                push(name);
                value(pa.nextToken(), pb.nextToken());
                pop();
            }
        }

        private void arrays() throws IOException, Misaligned {
            int i = 0;
            while (true) {
                JsonToken ta = pa.nextToken();
                JsonToken tb = pb.nextToken();
                if (ta == JsonToken.END_ARRAY || tb == JsonToken.END_ARRAY) {
                    // JsonDiff.compareByIndex: the longer side's rest are MISSING (primary) or EXTRA (shadow)
                    rest(ta == JsonToken.END_ARRAY ? pb : pa, tb, ta, i);
                    return;
                }
                push(Integer.toString(i));
                value(ta, tb);
                pop();
                i++;
            }
        }

        private void rest(JsonParser longer, JsonToken tb, JsonToken ta, int from) throws IOException {
            if (ta == JsonToken.END_ARRAY && tb == JsonToken.END_ARRAY) {
                return;
            }
            DiffKind kind = ta == JsonToken.END_ARRAY ? DiffKind.EXTRA : DiffKind.MISSING;
            JsonToken t = ta == JsonToken.END_ARRAY ? tb : ta;
            int i = from;
            while (t != JsonToken.END_ARRAY) {
                push(Integer.toString(i++));
                if (options.ignore().isEmpty() || !ignored()) {
                    add(kind);
                }
                pop();
                longer.skipChildren();
                t = longer.nextToken();
            }
        }

        /** Same rules as JsonDiff.numbersEqual on the nodes Jackson would have built. */
        private boolean numbersEqual() throws IOException {
            JsonParser.NumberType na = pa.getNumberType();
            JsonParser.NumberType nb = pb.getNumberType();
            boolean longA = na == JsonParser.NumberType.INT || na == JsonParser.NumberType.LONG;
            boolean longB = nb == JsonParser.NumberType.INT || nb == JsonParser.NumberType.LONG;
            if (longA && longB) {
                long diff = Math.abs(pa.getLongValue() - pb.getLongValue());
                return diff == 0 || diff <= options.numberTolerance();
            }
            if ((longA || binaryFloat(na)) && (longB || binaryFloat(nb))) {
                double delta = Math.abs(pa.getDoubleValue() - pb.getDoubleValue());
                return delta == 0 || delta <= options.numberTolerance();
            }
            if (na == JsonParser.NumberType.BIG_DECIMAL || nb == JsonParser.NumberType.BIG_DECIMAL) {
                throw new IllegalStateException("big decimal"); // not what trees hold by default: let them decide
            }
            BigDecimal delta = pa.getDecimalValue().subtract(pb.getDecimalValue()).abs();
            return delta.compareTo(tolerance) <= 0;
        }

        private boolean binaryFloat(JsonParser.NumberType t) {
            return t == JsonParser.NumberType.DOUBLE || t == JsonParser.NumberType.FLOAT;
        }

        private int kind(JsonToken t) {
            return switch (t) {
                case START_OBJECT -> 1;
                case START_ARRAY -> 2;
                case VALUE_STRING -> 3;
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> 4;
                case VALUE_TRUE, VALUE_FALSE -> 5;
                case VALUE_NULL -> 6;
                default -> 7;
            };
        }

        private boolean ignored() {
            for (PointerPattern pattern : options.ignore()) {
                if (pattern.matches(path, depth)) {
                    return true;
                }
            }
            return false;
        }

        private void add(DiffKind kind) {
            if (depth == 0) {
                out.add(new Difference(Difference.BODY, kind));
                return;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < depth; i++) {
                sb.append('/').append(path[i].replace("~", "~0").replace("/", "~1"));
            }
            out.add(new Difference(sb.toString(), kind));
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
    }
}
