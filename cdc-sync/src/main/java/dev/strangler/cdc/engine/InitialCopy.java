package dev.strangler.cdc.engine;

import dev.strangler.cdc.CdcSyncConfig;
import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.JdbcUrl;
import dev.strangler.cdc.apply.DeadLetter;
import dev.strangler.cdc.apply.Route;
import dev.strangler.cdc.apply.SqlWriter;
import dev.strangler.cdc.offset.OffsetTable;
import dev.strangler.cdc.verify.RowReader;
import dev.strangler.legacyadapter.mapping.MappingFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initial copy, done by us instead of Debezium's snapshot (which costs a Kafka Connect
 * record and a metrics summary per row): create the slot with an exported snapshot, read every
 * mapped table inside that snapshot, and upsert the mapped rows into the target in large
 * batches. Debezium then streams from the slot's consistent point, so nothing is missed and
 * nothing committed before the snapshot is replayed.
 *
 * <p>Rows the mapping cannot convert or the target rejects go to the dead-letter table, as in
 * streaming.
 */
public final class InitialCopy {

    private static final Logger log = LoggerFactory.getLogger(InitialCopy.class);
    private static final int BATCH = 10_000;

    private InitialCopy() {
    }

    /** Whether the target holds progress for this slot (then the copy is done and streaming resumes). */
    public static boolean needed(Connection target, String slot) throws SQLException {
        return OffsetTable.read(target, slot).isEmpty();
    }

    /** Runs the copy; {@code target} is the apply connection (origin set up, auto-commit off). */
    public static void run(CdcSyncConfig config, List<Route> routes, Connection target, Clock clock) throws SQLException {
        long t0 = System.nanoTime();
        try (Connection admin = JdbcUrl.connect(config.sourceJdbcUrl())) {
            preparePublicationAndSlot(admin, config, routes);
        }
        Properties replication = new Properties();
        replication.setProperty("replication", "database");
        replication.setProperty("assumeMinServerVersion", "9.4");
        replication.setProperty("preferQueryMode", "simple");
        long rows = 0;
        try (Connection repl = java.sql.DriverManager.getConnection(config.sourceJdbcUrl(), replication);
                Connection src = JdbcUrl.connect(config.sourceJdbcUrl())) {
            String snapshot;
            try (Statement st = repl.createStatement(); ResultSet rs = st.executeQuery("CREATE_REPLICATION_SLOT "
                    + config.slotName() + " LOGICAL pgoutput EXPORT_SNAPSHOT")) {
                rs.next();
                snapshot = rs.getString("snapshot_name");
                log.info("slot {} created at {}; copying mapped tables in snapshot {}", config.slotName(),
                        rs.getString("consistent_point"), snapshot);
            }
            // The exported snapshot stays valid while `repl` is open and idle: read everything in it.
            src.setAutoCommit(false);
            try (Statement st = src.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                st.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "") + "'");
            }
            for (Route r : routes) {
                rows += copy(r, src, target, config.snapshotFetchSize(), config.slotName());
            }
            src.commit();
        }
        OffsetTable.write(target, config.slotName(), config.direction().id(), new OffsetTable.Progress(Map.of(), Map.of(),
                null, null, clock.instant(), null, rows, 0, null));
        target.commit();
        double s = (System.nanoTime() - t0) / 1e9;
        log.info("slot {}: initial copy of {} rows in {} s ({} rows/s)", config.slotName(), rows, Math.round(s),
                Math.round(rows / Math.max(s, 1e-3)));
    }

    /** A batch of mapped rows (and rows the mapping rejected) handed from the reader to the writer. */
    private record Batch(List<Map<String, Object>> rows, List<DeadLetter> dead, boolean last) {
    }

    /**
     * Reads and maps on one thread while this thread writes the previous batch to the target, so
     * the source scan and the target inserts overlap. The queue is small: memory stays at a few batches.
     */
    private static long copy(Route r, Connection src, Connection target, int fetchSize, String slot) throws SQLException {
        BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(2);
        List<String> cols = r.direction() == dev.strangler.cdc.Direction.FORWARD ? r.mapping().newColumns() : null;
        ExecutorService reader = Executors.newSingleThreadExecutor(t -> new Thread(t, "cdc-copy-" + slot));
        Future<?> reading = reader.submit(() -> {
            read(r, src, fetchSize, queue);
            return null;
        });
        long n = 0;
        try {
            while (true) {
                Batch b = queue.poll(1, TimeUnit.SECONDS);
                if (b == null) {
                    if (reading.isDone()) {
                        reading.get(); // the reader failed before handing over its last batch
                        throw new IllegalStateException("initial copy reader of " + r.sourceTable() + " ended early");
                    }
                    continue;
                }
                List<String> batchCols = cols != null || b.rows().isEmpty() ? cols : List.copyOf(b.rows().get(0).keySet());
                n += flush(r, batchCols, new ArrayList<>(b.rows()), target, new ArrayList<>(b.dead()), slot);
                if (b.last()) {
                    break;
                }
            }
            reading.get();
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdcSyncException("initial copy of " + r.sourceTable() + " interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof SQLException se) {
                throw se;
            }
            throw new CdcSyncException("initial copy of " + r.sourceTable() + " failed: " + c, c);
        } finally {
            reading.cancel(true);
            reader.shutdownNow();
        }
    }

    private static void read(Route r, Connection src, int fetchSize, BlockingQueue<Batch> queue)
            throws SQLException, InterruptedException {
        List<DeadLetter> dead = new ArrayList<>();
        List<Map<String, Object>> batch = new ArrayList<>(BATCH);
        try (PreparedStatement ps = src.prepareStatement("SELECT * FROM " + SqlWriter.quoteTable(r.sourceTable()))) {
            ps.setFetchSize(fetchSize);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = RowReader.row(rs);
                    if (!r.accepts(row)) {
                        continue;
                    }
                    try {
                        batch.add(r.toTarget(row));
                    } catch (MappingFailure e) {
                        dead.add(new DeadLetter(source(r, row), "mapping: " + e.getMessage()));
                    }
                    if (batch.size() == BATCH) {
                        queue.put(new Batch(batch, dead, false));
                        batch = new ArrayList<>(BATCH);
                        dead = new ArrayList<>();
                    }
                }
            }
        }
        queue.put(new Batch(batch, dead, true));
    }

    private static DeadLetter.Source source(Route r, Map<String, Object> sourceRow) {
        return new DeadLetter.Source(r.sourceTable(), 'r', r.sourceKey(sourceRow), 0, null);
    }

    /** Applies a batch; if it fails, row by row, dead-lettering the rows the target rejects (as streaming does). */
    private static int flush(Route r, List<String> cols, List<Map<String, Object>> batch, Connection target,
            List<DeadLetter> dead, String slot) throws SQLException {
        if (!batch.isEmpty()) {
            try {
                SqlWriter.upsert(target, r.targetTable(), cols, r.targetKeyColumns(), r.targetVersionColumn(), r.winsTies(), batch);
            } catch (SQLException e) {
                target.rollback();
                if (DeadLetter.isConnectionFailure(e)) {
                    throw e;
                }
                for (Map<String, Object> row : batch) {
                    Savepoint sp = target.setSavepoint();
                    try {
                        SqlWriter.upsert(target, r.targetTable(), cols, r.targetKeyColumns(), r.targetVersionColumn(),
                                r.winsTies(), List.of(row));
                        target.releaseSavepoint(sp);
                    } catch (SQLException rowFailure) {
                        target.rollback(sp);
                        dead.add(new DeadLetter(new DeadLetter.Source(r.sourceTable(), 'r',
                                r.sourceKeyOfTarget(row), 0, null), DeadLetter.reason(rowFailure)));
                    }
                }
            }
        }
        DeadLetter.insert(target, slot, dead);
        if (!dead.isEmpty()) {
            log.warn("initial copy of {}: {} rows went to the dead-letter table (`strangler cdc dlq list`)",
                    r.sourceTable(), dead.size());
        }
        target.commit();
        int n = batch.size();
        batch.clear();
        dead.clear();
        return n;
    }

    /**
     * The publication must exist before the slot, or changes decoded between the two would not
     * be published. A slot without stored progress is a leftover of an interrupted copy: drop it.
     */
    private static void preparePublicationAndSlot(Connection c, CdcSyncConfig config, List<Route> routes)
            throws SQLException {
        String pub = config.slotName() + "_pub";
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, pub);
            try (ResultSet rs = ps.executeQuery(); Statement st = c.createStatement()) {
                if (!rs.next()) {
                    st.execute("CREATE PUBLICATION " + pub + " FOR TABLE "
                            + routes.stream().map(r -> SqlWriter.quoteTable(r.sourceTable())).collect(Collectors.joining(", ")));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, config.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    if (rs.getBoolean(1)) {
                        throw new CdcSyncException("slot " + config.slotName() + " is in use by another process"
                                + " although this syncer holds the lock; is a syncer running without the lock?");
                    }
                    log.warn("slot {} exists but the target holds no progress (interrupted initial copy): recreating it",
                            config.slotName());
                    try (PreparedStatement drop = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                        drop.setString(1, config.slotName());
                        drop.execute();
                    }
                }
            }
        }
    }
}
