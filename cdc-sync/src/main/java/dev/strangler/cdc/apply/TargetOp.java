package dev.strangler.cdc.apply;

import java.util.Map;

/**
 * One change to apply to the target: an upsert of {@code row} or a delete of {@code key}, plus
 * where it came from (for the dead-letter table).
 */
record TargetOp(Route route, boolean delete, Map<String, Object> row, Map<String, Object> key, DeadLetter.Source source) {

    /** Identity of the target row: later changes of the same row supersede earlier ones in a batch. */
    record RowId(String table, Map<String, Object> key) {
    }

    RowId rowId() {
        return new RowId(route.targetTable(), key);
    }
}
