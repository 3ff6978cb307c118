package dev.strangler.cdc.apply;

import dev.strangler.cdc.offset.OffsetTable;
import dev.strangler.legacyadapter.mapping.MappingFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies complete source transactions to the target in ONE target transaction that also stores
 * the Debezium offset of the last of them. Changes are upserts/deletes by primary key, so a
 * replay after a crash converges to the same rows. A change that fails (mapping error,
 * constraint violation) goes to the dead-letter table inside the same transaction and the rest
 * is applied.
 *
 * <p>Not thread-safe: driven by Debezium's single consumer thread.
 */
public final class ChangeApplier {

    private static final Logger log = LoggerFactory.getLogger(ChangeApplier.class);

    /** Source transactions (or single snapshot rows) ready to apply, and the offset after them. */
    public record TxGroup(List<SourceRecord> records, Map<String, ?> partition, Map<String, ?> offset) {
    }

    private final String slot;
    private final String direction;
    private final Connection conn;
    private final Map<String, Route> bySource = new LinkedHashMap<>();
    private final Map<String, String> stopped = new ConcurrentHashMap<>();
    private final SyncMetrics metrics;
    private final Clock clock;
    private final java.util.function.Predicate<Route> owned;
    private long windowStartNanos = System.nanoTime();
    private long windowRows;
    private volatile double rowsPerSecond;
    private volatile long appliedLsn;

    /**
     * @param owned whether this direction applies a route's changes now (data ownership); changes of
     *              a table this direction does not sync are counted and dead-lettered, not applied
     */
    public ChangeApplier(String slot, String direction, List<Route> routes, Connection conn, SyncMetrics metrics, Clock clock,
            java.util.function.Predicate<Route> owned) {
        this.owned = owned;
        this.slot = slot;
        this.direction = direction;
        this.conn = conn;
        routes.forEach(r -> bySource.put(r.sourceTable(), r));
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Source tables stopped by schema drift, with the reason. */
    public Map<String, String> stoppedTables() {
        return Map.copyOf(stopped);
    }

    public double rowsPerSecond() {
        return rowsPerSecond;
    }

    /** Last applied source LSN, or 0 before the first streamed change. */
    public long appliedLsn() {
        return appliedLsn;
    }

    /** Applies {@code groups} and their offset atomically; throws only when the target connection failed. */
    public void apply(List<TxGroup> groups) throws SQLException {
        if (groups.isEmpty()) {
            return;
        }
        List<DeadLetter> dead = new ArrayList<>();
        Map<TargetOp.RowId, TargetOp> ops = new LinkedHashMap<>();
        Map<Long, Long> streamedTxTs = new TreeMap<>();
        long lastLsn = 0;
        long lastTs = 0;
        for (TxGroup g : groups) {
            for (SourceRecord r : g.records()) {
                RecordDecoder.Decoded d;
                try {
                    d = RecordDecoder.decode(r);
                } catch (RuntimeException e) {
                    log.error("slot {}: undecodable change event on topic {} skipped to the dead-letter table: {}",
                            slot, r.topic(), e.toString());
                    dead.add(new DeadLetter(new DeadLetter.Source(r.topic(), '?', Map.of(), 0, null),
                            "undecodable change event: " + e.getClass().getSimpleName()));
                    continue;
                }
                lastLsn = Math.max(lastLsn, d.lsn());
                lastTs = Math.max(lastTs, d.sourceTsMicros());
                if (!d.snapshot() && d.txId() != null) {
                    streamedTxTs.put(d.txId(), d.sourceTsMicros());
                }
                Route route = bySource.get(d.table());
                if (route != null && owned.test(route)) {
                    toOp(route, d, ops, dead);
                } else if (route != null) {
                    // Not applied (the other side owns the table's writes) but never dropped: a write that
                    // still reached this side (a fallback replay, a straggler during an ownership switch) is
                    // parked where on-call sees it, and `cdc owner` refuses to move while it waits.
                    metrics.skippedNotOwner();
                    dead.add(new DeadLetter(new DeadLetter.Source(d.table(), d.op(), route.sourceKey(d.row()), d.lsn(), d.txId()),
                            notOwnerReason(route)));
                }
            }
        }
        List<TargetOp> ordered = new ArrayList<>(ops.values());
        try {
            execute(ordered);
        } catch (SQLException e) {
            conn.rollback();
            if (DeadLetter.isConnectionFailure(e)) {
                throw e;
            }
            log.warn("slot {}: batch of {} changes failed ({}); applying one by one, failures go to the dead-letter table",
                    slot, ordered.size(), DeadLetter.reason(e));
            applyOneByOne(ordered, dead);
        }
        DeadLetter.insert(conn, slot, dead);
        Instant now = clock.instant();
        TxGroup last = groups.get(groups.size() - 1);
        Long lagMs = streamedTxTs.isEmpty() ? null : Duration.between(micros(lastTs), now).toMillis();
        updateRate(ordered.size());
        OffsetTable.write(conn, slot, direction, new OffsetTable.Progress(last.partition(), last.offset(),
                lastLsn == 0 ? null : lastLsn, lastTs == 0 ? null : micros(lastTs), now, lagMs, ordered.size(),
                rowsPerSecond, stopped.isEmpty() ? null : String.join("; ", stopped.values())));
        conn.commit();
        if (lastLsn != 0) {
            appliedLsn = lastLsn;
        }
        Instant applied = clock.instant();
        for (long ts : streamedTxTs.values()) {
            metrics.lag(Duration.between(micros(ts), applied));
        }
        metrics.applied(ordered.size());
        metrics.deadLettered(dead.size());
    }

    private String notOwnerReason(Route route) {
        String side = direction.equals("forward") ? "legacy" : "new";
        String owner = direction.equals("forward") ? "new" : "legacy";
        return dev.strangler.cdc.admin.ParkedWrites.REASON_PREFIX + " written on the " + side + " side while " + route.mapping().newTable() + " is owned by "
                + owner + " (a fallback replay or a write during an ownership change?); applied by itself once this direction"
                + " syncs the table again, or now by `strangler cdc dlq retry` (`dlq discard` drops it)";
    }

    private void toOp(Route route, RecordDecoder.Decoded d, Map<TargetOp.RowId, TargetOp> ops, List<DeadLetter> dead) {
        boolean delete = d.op() == 'd';
        Map<String, Object> sourceKey = route.sourceKey(d.row());
        DeadLetter.Source src = new DeadLetter.Source(d.table(), d.op(), sourceKey, d.lsn(), d.txId());
        String stoppedReason = stopped.get(d.table());
        if (stoppedReason != null) {
            dead.add(new DeadLetter(src, "table stopped: " + stoppedReason));
            return;
        }
        Set<String> missing = new HashSet<>(delete ? route.sourceKeyColumns() : route.requiredSourceColumns());
        missing.removeAll(d.row().keySet());
        if (!missing.isEmpty()) {
            String reason = "mapped column(s) " + missing.stream().sorted().collect(Collectors.joining(", "))
                    + " no longer in source table " + d.table() + " (dropped?); fix the mapping or the schema,"
                    + " then run `strangler cdc dlq retry`";
            stopped.put(d.table(), reason);
            log.error("slot {}: stopped syncing table {}: {}. Other tables go on.", slot, d.table(), reason);
            dead.add(new DeadLetter(src, "table stopped: " + reason));
            return;
        }
        try {
            TargetOp op;
            if (delete || !route.accepts(d.row())) {
                // A row leaving the mapping's filter leaves the target too.
                op = new TargetOp(route, true, null, route.targetKey(d.row()), src);
            } else {
                op = new TargetOp(route, false, route.toTarget(d.row()), route.targetKey(d.row()), src);
            }
            // Keep only the last change per row, at its latest position: the result after the
            // transaction is the same, and one row per statement keeps ON CONFLICT valid.
            ops.remove(op.rowId());
            ops.put(op.rowId(), op);
        } catch (MappingFailure e) {
            dead.add(new DeadLetter(src, "mapping: " + e.getMessage()));
        }
    }

    /** Consecutive ops on the same table and of the same kind become one multi-row statement. */
    void execute(List<TargetOp> ops) throws SQLException {
        int i = 0;
        while (i < ops.size()) {
            TargetOp first = ops.get(i);
            int j = i + 1;
            while (j < ops.size() && sameRun(first, ops.get(j))) {
                j++;
            }
            run(ops.subList(i, j));
            i = j;
        }
    }

    private static boolean sameRun(TargetOp a, TargetOp b) {
        return a.route() == b.route() && a.delete() == b.delete()
                && (a.delete() || a.row().keySet().equals(b.row().keySet()));
    }

    private void run(List<TargetOp> run) throws SQLException {
        TargetOp first = run.get(0);
        Route r = first.route();
        if (first.delete()) {
            SqlWriter.delete(conn, r.targetTable(), r.targetKeyColumns(), run.stream().map(TargetOp::key).toList());
        } else {
            SqlWriter.upsert(conn, r.targetTable(), List.copyOf(first.row().keySet()), r.targetKeyColumns(),
                    r.targetVersionColumn(), r.winsTies(), run.stream().map(TargetOp::row).toList());
        }
    }

    private void applyOneByOne(List<TargetOp> ops, List<DeadLetter> dead) throws SQLException {
        for (TargetOp op : ops) {
            Savepoint sp = conn.setSavepoint();
            try {
                if (op.delete()) {
                    run(List.of(op));
                } else {
                    Route r = op.route();
                    // One row: an upsert a NOT NULL column the mapping does not write refuses still updates an existing row.
                    SqlWriter.upsertRow(conn, r.targetTable(), List.copyOf(op.row().keySet()), r.targetKeyColumns(),
                            r.targetVersionColumn(), r.winsTies(), op.row());
                }
                conn.releaseSavepoint(sp);
            } catch (SQLException e) {
                if (DeadLetter.isConnectionFailure(e)) {
                    throw e;
                }
                conn.rollback(sp);
                dead.add(new DeadLetter(op.source(), DeadLetter.reason(e)));
            }
        }
    }

    private void updateRate(int rows) {
        windowRows += rows;
        long now = System.nanoTime();
        long elapsed = now - windowStartNanos;
        if (elapsed >= 1_000_000_000L) {
            rowsPerSecond = windowRows * 1e9 / elapsed;
            windowRows = 0;
            windowStartNanos = now;
        }
    }

    private static Instant micros(long us) {
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000);
    }
}
