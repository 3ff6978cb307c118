package dev.strangler.legacyadapter.mapping;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;

/**
 * Which legacy rows belong to the new table: {@code where: {column: kind, in: [VIDEO, OFFICE]}}.
 * Values compare by their text form, so {@code in: [true]} matches a boolean column.
 */
public record RowFilter(String column, Set<String> in, boolean negate) {
    public RowFilter {
        requireNonNull(column, "column");
        in = Set.copyOf(in);
    }

    /** Whether the legacy row passes. A null value never matches {@code in}. */
    public boolean test(Map<String, Object> legacyRow) {
        String v = Values.text(legacyRow.get(column));
        boolean member = v != null && in.contains(v);
        return negate != member;
    }
}
