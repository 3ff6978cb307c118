package dev.strangler.legacyadapter.mapping;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One legacy table mapped onto one table of the extracted service, usable in both directions.
 *
 * @param legacyTable  legacy table, {@code schema.table} or {@code table} (schema {@code public})
 * @param newTable     the new service's table
 * @param keys         primary-key columns as renames (new ← legacy); keys are never transformed so
 *                     both sides sort and look up rows the same way
 * @param columns      every other new column and how it is derived
 * @param dropped      legacy columns left behind on purpose (PHI the new service must not hold)
 * @param filter       which legacy rows belong to the new table, or null for all
 * @param versionColumn new-side column that orders conflicting writes, or null
 */
public record TableMapping(String legacyTable, String newTable, List<ColumnMapping.Rename> keys,
        List<ColumnMapping> columns, Set<String> dropped, RowFilter filter, String versionColumn) {

    public TableMapping {
        requireNonNull(legacyTable, "legacyTable");
        requireNonNull(newTable, "newTable");
        keys = List.copyOf(keys);
        columns = List.copyOf(columns);
        dropped = Set.copyOf(dropped);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("table " + newTable + ": at least one key column (expected: key: {new: legacy})");
        }
    }

    /** Whether every column mapping can be turned around. */
    public boolean reversible() {
        return columns.stream().allMatch(ColumnMapping::reversible);
    }

    /** Key columns of the new table, in key order. */
    public List<String> newKeyColumns() {
        return keys.stream().map(ColumnMapping.Rename::newColumn).toList();
    }

    /** Key columns of the legacy table, in key order. */
    public List<String> legacyKeyColumns() {
        return keys.stream().map(ColumnMapping.Rename::legacyColumn).toList();
    }

    /** Every legacy column the mapping reads (keys first); a source row lacking one cannot be mapped. */
    public Set<String> legacyColumnsRead() {
        Set<String> s = new LinkedHashSet<>(legacyKeyColumns());
        columns.forEach(c -> s.addAll(c.legacyColumns()));
        if (filter != null) {
            s.add(filter.column());
        }
        return s;
    }

    /**
     * Every legacy column reverse sync writes (keys first): a timestamp's {@code fallback} column
     * is only read, a constant has no legacy column.
     */
    public Set<String> legacyColumnsWritten() {
        Set<String> s = new LinkedHashSet<>(legacyKeyColumns());
        columns.forEach(c -> s.addAll(c instanceof ColumnMapping.TimestampInZone t ? List.of(t.legacyColumn()) : c.legacyColumns()));
        return s;
    }

    /** Every new column the mapping writes (keys first). */
    public List<String> newColumns() {
        List<String> s = new ArrayList<>(newKeyColumns());
        columns.forEach(c -> s.add(c.newColumn()));
        return s;
    }

    /** Whether the legacy row belongs in the new table. */
    public boolean accepts(Map<String, Object> legacyRow) {
        return filter == null || filter.test(legacyRow);
    }

    /** Legacy row → new row (all new columns); the caller checks {@link #accepts} first. */
    public Map<String, Object> toNew(Map<String, Object> legacyRow) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ColumnMapping.Rename k : keys) {
            out.put(k.newColumn(), k.toNew(legacyRow, legacyTable));
        }
        for (ColumnMapping c : columns) {
            out.put(c.newColumn(), c.toNew(legacyRow, legacyTable));
        }
        return out;
    }

    /** New row → the legacy columns this mapping owns; dropped legacy columns are left out (kept as they are). */
    public Map<String, Object> toLegacy(Map<String, Object> newRow) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ColumnMapping.Rename k : keys) {
            k.toLegacy(newRow.get(k.newColumn()), out, newTable);
        }
        for (ColumnMapping c : columns) {
            c.toLegacy(newRow.get(c.newColumn()), out, newTable);
        }
        return out;
    }

    /** Legacy key values (by legacy name) → new key (by new name). */
    public Map<String, Object> newKeyOf(Map<String, Object> legacyRow) {
        Map<String, Object> out = new LinkedHashMap<>();
        keys.forEach(k -> out.put(k.newColumn(), legacyRow.get(k.legacyColumn())));
        return out;
    }

    /** New key values (by new name) → legacy key (by legacy name). */
    public Map<String, Object> legacyKeyOf(Map<String, Object> newRow) {
        Map<String, Object> out = new LinkedHashMap<>();
        keys.forEach(k -> out.put(k.legacyColumn(), newRow.get(k.newColumn())));
        return out;
    }
}
