package dev.strangler.shadow.diff;

import static java.util.Objects.requireNonNull;

/**
 * One difference between two answers. Values are deliberately not kept: they may be patient
 * data; evidence (redacted) lives in the diff store.
 *
 * @param pointer where: a JSON Pointer into the body ({@code /appointments/0/status}),
 *                {@code status} for the status code, {@code header:<name>} for a header, or
 *                {@code body} when the whole body differs (non-JSON bytes, or JSON vs not)
 * @param kind    how it differs
 */
public record Difference(String pointer, DiffKind kind) {

    public static final String STATUS = "status";
    public static final String BODY = "body";
    public static final String HEADER_PREFIX = "header:";

    public Difference {
        requireNonNull(pointer, "pointer");
        requireNonNull(kind, "kind");
    }

    /**
     * The field this difference is counted under: the pointer with array indices replaced by
     * {@code *}, so {@code /items/0/price} and {@code /items/7/price} are one field.
     */
    public String field() {
        return fieldOf(pointer);
    }

    /** {@link #field()} for any pointer. */
    public static String fieldOf(String pointer) {
        if (!pointer.startsWith("/")) {
            return pointer;
        }
        StringBuilder out = null;
        int start = 1;
        int n = pointer.length();
        while (start <= n) {
            int end = pointer.indexOf('/', start);
            if (end < 0) {
                end = n;
            }
            boolean digits = end > start;
            for (int i = start; i < end && digits; i++) {
                char c = pointer.charAt(i);
                digits = c >= '0' && c <= '9';
            }
            if (digits && out == null) {
                out = new StringBuilder(pointer.length()).append(pointer, 0, start);
            }
            if (out != null) {
                if (out.length() > 0 && out.charAt(out.length() - 1) != '/') {
                    out.append('/');
                }
                if (digits) {
                    out.append('*');
                } else {
                    out.append(pointer, start, end);
                }
            }
            start = end + 1;
        }
        return out == null ? pointer : out.toString();
    }
}
