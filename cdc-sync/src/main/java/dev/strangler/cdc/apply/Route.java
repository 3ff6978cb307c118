package dev.strangler.cdc.apply;

import dev.strangler.cdc.Direction;
import dev.strangler.legacyadapter.mapping.ColumnMapping;
import dev.strangler.legacyadapter.mapping.ServiceMapping;
import dev.strangler.legacyadapter.mapping.TableMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One table mapping seen from one direction: which source table it reads, which target table it
 * writes, and how rows and keys turn into target rows and keys.
 */
public record Route(TableMapping mapping, Direction direction) {

    /** Routes for every table of {@code mapping} in {@code direction}. */
    public static List<Route> of(ServiceMapping mapping, Direction direction) {
        List<Route> out = new ArrayList<>();
        mapping.tables().forEach(t -> out.add(new Route(t, direction)));
        return out;
    }

    public String sourceTable() {
        return ServiceMapping.qualified(direction == Direction.FORWARD ? mapping.legacyTable() : mapping.newTable());
    }

    public String targetTable() {
        return ServiceMapping.qualified(direction == Direction.FORWARD ? mapping.newTable() : mapping.legacyTable());
    }

    public List<String> sourceKeyColumns() {
        return direction == Direction.FORWARD ? mapping.legacyKeyColumns() : mapping.newKeyColumns();
    }

    public List<String> targetKeyColumns() {
        return direction == Direction.FORWARD ? mapping.newKeyColumns() : mapping.legacyKeyColumns();
    }

    /** Source columns the mapping reads; a change lacking one means the column was dropped. */
    public Set<String> requiredSourceColumns() {
        return direction == Direction.FORWARD ? mapping.legacyColumnsRead() : Set.copyOf(mapping.newColumns());
    }

    /** Whether a source row belongs in the target at all (row filters apply to legacy rows). */
    public boolean accepts(Map<String, Object> sourceRow) {
        return direction == Direction.REVERSE || mapping.accepts(sourceRow);
    }

    /** Source row → target row. */
    public Map<String, Object> toTarget(Map<String, Object> sourceRow) {
        return direction == Direction.FORWARD ? mapping.toNew(sourceRow) : mapping.toLegacy(sourceRow);
    }

    /** Source key → target key. */
    public Map<String, Object> targetKey(Map<String, Object> sourceRow) {
        return direction == Direction.FORWARD ? mapping.newKeyOf(sourceRow) : mapping.legacyKeyOf(sourceRow);
    }

    /** Target key → source key (to re-read a row from the source). */
    public Map<String, Object> sourceKeyOfTarget(Map<String, Object> targetRow) {
        return direction == Direction.FORWARD ? mapping.legacyKeyOf(targetRow) : mapping.newKeyOf(targetRow);
    }

    /** The source key values of a source row, by source column name. */
    public Map<String, Object> sourceKey(Map<String, Object> sourceRow) {
        Map<String, Object> k = new LinkedHashMap<>();
        sourceKeyColumns().forEach(c -> k.put(c, sourceRow.get(c)));
        return k;
    }

    /**
     * Target-side column ordering conflicting writes, or null. Forward writes the new table's
     * version column; reverse writes the legacy column it is renamed from.
     */
    public String targetVersionColumn() {
        String v = mapping.versionColumn();
        if (v == null || direction == Direction.FORWARD) {
            return v;
        }
        for (ColumnMapping c : mapping.columns()) {
            if (c instanceof ColumnMapping.Rename r && r.newColumn().equals(v)) {
                return r.legacyColumn();
            }
        }
        return null;
    }

    /**
     * The deterministic conflict rule: the legacy side wins ties, so forward applies on an equal
     * version and reverse only on a strictly greater one.
     */
    public boolean winsTies() {
        return direction == Direction.FORWARD;
    }
}
