package dev.strangler.cdc.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cdc.CdcSync;
import dev.strangler.cdc.CdcSyncConfig;
import dev.strangler.cdc.Direction;
import dev.strangler.cdc.verify.Verifier;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.legacyadapter.mapping.MappingLoader;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * {@code bench/cdc.sh}: commit → apply lag at steady rates, peak sustained changes/s, snapshot
 * rows/s for 1M rows, and raw Debezium commit → event latency in the same run (the baseline).
 * Lag is measured from the moment the writer's COMMIT returned to the moment the row was
 * written in the target ({@code clock_timestamp()} default of an unmapped column) or, for raw
 * Debezium, to the moment the event reached the consumer. One machine, one clock.
 */
public final class CdcBench {

    private static final PrintStream OUT = System.out; // a benchmark's report goes to stdout
    private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    private static final int SNAPSHOT_ROWS = Integer.getInteger("bench.snapshotRows", 1_000_000);

    private CdcBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("cdc-bench");
        Path mapping = dir.resolve("bench.yaml");
        Files.writeString(mapping, """
                service: bench
                tables:
                  bench_dst:
                    from: bench_src
                    key: {id: id}
                    columns:
                      a: a
                      b: b
                      c: c
                      starts_at: {date: d, time: t, zone: America/New_York}
                """);
        try (LocalPostgres pg = LocalPostgres.start()) {
            HikariDataSource legacy = pg.dataSource("bench_legacy", 8);
            HikariDataSource fresh = pg.dataSource("bench_new", 4);
            exec(legacy, "CREATE TABLE bench_src (id bigint PRIMARY KEY, a int, b text, c numeric(10,2), d date, t time)");
            exec(fresh, "CREATE TABLE bench_dst (id bigint PRIMARY KEY, a int, b text, c numeric(10,2), starts_at timestamptz,"
                    + " applied_at timestamptz DEFAULT clock_timestamp())");
            Map<Long, Instant> committed = new ConcurrentHashMap<>();
            AtomicLong ids = new AtomicLong(1);

            // 1. Raw Debezium, no applying: commit → event.
            Map<Long, Instant> seen = new ConcurrentHashMap<>();
            List<Double> raw500;
            List<Double> raw2000;
            try (DebeziumEngine<RecordChangeEvent<SourceRecord>> raw = rawEngine(pg, seen)) {
                Thread t = new Thread(raw, "raw-debezium");
                t.start();
                awaitSlot(legacy, "bench_raw");
                raw500 = latencies(write(legacy, 500, SECONDS, ids, committed), committed, seen);
                raw2000 = latencies(write(legacy, 2000, SECONDS, ids, committed), committed, seen);
            }
            dropSlot(legacy, "bench_raw");

            // 2. Our syncer: commit → applied in the target.
            CdcSyncConfig config = CdcSyncConfig.builder().source(pg.jdbcUrl("bench_legacy")).target(pg.jdbcUrl("bench_new"))
                    .mapping(mapping).slot("bench_fwd").build();
            List<Double> ours500;
            List<Double> ours2000;
            double peak;
            try (CdcSync sync = CdcSync.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
                long existing = count(legacy, "SELECT count(*) FROM bench_src");
                awaitCount(fresh, existing, 120);
                ours500 = applied(fresh, write(legacy, 500, SECONDS, ids, committed), committed);
                ours2000 = applied(fresh, write(legacy, 2000, SECONDS, ids, committed), committed);
                peak = peak(legacy, fresh, ids, committed);
            }

            // 3. Snapshot of 1M rows into an empty target.
            exec(legacy, "INSERT INTO bench_src SELECT g, g % 1000, 'row ' || g, g % 10000 / 100.0, date '2026-01-01' + g % 300,"
                    + " time '08:00' + (g % 600) * interval '1 minute' FROM generate_series(10000000, 10000000 + "
                    + (SNAPSHOT_ROWS - 1) + ") g");
            HikariDataSource snap = pg.dataSource("bench_snap", 2);
            exec(snap, "CREATE TABLE bench_dst (id bigint PRIMARY KEY, a int, b text, c numeric(10,2), starts_at timestamptz,"
                    + " applied_at timestamptz DEFAULT clock_timestamp())");
            long total = count(legacy, "SELECT count(*) FROM bench_src");
            double rawSnapshotRate = rawSnapshot(pg, legacy, total);
            dropSlot(legacy, "bench_rawsnap");
            long t0 = System.nanoTime();
            double snapshotRate;
            try (CdcSync sync = CdcSync.start(CdcSyncConfig.builder().source(pg.jdbcUrl("bench_legacy"))
                    .target(pg.jdbcUrl("bench_snap")).mapping(mapping).slot("bench_snap").build(),
                    new SimpleMeterRegistry(), Clock.systemUTC())) {
                awaitCount(snap, total, 600);
                snapshotRate = total / ((System.nanoTime() - t0) / 1e9);
            }
            long v0 = System.nanoTime();
            Verifier.Report verify = new Verifier(new MappingLoader().load(mapping), Direction.FORWARD, 10_000)
                    .run(pg.jdbcUrl("bench_legacy"), pg.jdbcUrl("bench_snap"), false);
            double verifySeconds = (System.nanoTime() - v0) / 1e9;

            OUT.println();
            OUT.println("== CDC benchmark (" + SECONDS + " s per steady phase; source, target and sync on this machine) ==");
            row("raw Debezium commit→event @500/s", raw500);
            row("raw Debezium commit→event @2000/s", raw2000);
            row("strangler commit→applied @500/s", ours500);
            row("strangler commit→applied @2000/s", ours2000);
            OUT.printf("%-40s %10.0f changes/s   (target >= 5000: %s)%n", "peak sustained", peak, atLeast(peak, 5000));
            OUT.printf("%-40s %10.0f rows/s      (target >= 50000: %s) [%d rows]%n", "snapshot", snapshotRate,
                    atLeast(snapshotRate, 50_000), total);
            OUT.printf("%-40s %10.0f rows/s      (ours / raw: %.2fx)%n", "raw Debezium snapshot, no applying",
                    rawSnapshotRate, snapshotRate / rawSnapshotRate);
            OUT.printf("%-40s %10.1f s           (%d rows, %d mismatches)%n", "verify 1M rows", verifySeconds,
                    verify.rowsCompared(), verify.mismatches().size());
            OUT.printf("lag @2000/s: p50 %.1f ms (target <= 20: %s), p99 %.1f ms (target <= 200: %s)%n",
                    pct(ours2000, 50), atMost(pct(ours2000, 50), 20), pct(ours2000, 99), atMost(pct(ours2000, 99), 200));
            OUT.printf("our p50 / raw p50 @2000/s: %.2fx (target <= 2x); @500/s: %.2fx%n",
                    pct(ours2000, 50) / pct(raw2000, 50), pct(ours500, 50) / pct(raw500, 50));
        }
    }

    private static DebeziumEngine<RecordChangeEvent<SourceRecord>> rawEngine(LocalPostgres pg, Map<Long, Instant> seen) {
        Properties p = rawProperties(pg, "bench_raw");
        return rawLatencyEngine(p, seen);
    }

    private static Properties rawProperties(LocalPostgres pg, String slot) {
        Properties p = new Properties();
        p.setProperty("name", slot);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("topic.prefix", slot);
        p.setProperty("database.hostname", "127.0.0.1");
        p.setProperty("database.port", Integer.toString(pg.port()));
        p.setProperty("database.user", LocalPostgres.SUPERUSER);
        p.setProperty("database.password", "");
        p.setProperty("database.dbname", "bench_legacy");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slot);
        p.setProperty("publication.name", slot + "_pub");
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", "public\\.bench_src");
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("poll.interval.ms", "10");
        p.setProperty("max.batch.size", "4096");
        p.setProperty("max.queue.size", "16384");
        return p;
    }

    private static DebeziumEngine<RecordChangeEvent<SourceRecord>> rawLatencyEngine(Properties p, Map<Long, Instant> seen) {
        return DebeziumEngine.create(ChangeEventFormat.of(Connect.class)).using(p)
                .notifying((List<RecordChangeEvent<SourceRecord>> events, DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> c) -> {
                    Instant now = Instant.now();
                    for (RecordChangeEvent<SourceRecord> e : events) {
                        if (e.record().value() instanceof Struct s && s.schema().field("after") != null
                                && s.getStruct("after") != null) {
                            seen.put(s.getStruct("after").getInt64("id"), now);
                        }
                        c.markProcessed(e);
                    }
                    c.markBatchFinished();
                }).build();
    }

    /** Writes single-row transactions at {@code rate}/s for {@code seconds}; returns the ids written. */
    private static List<Long> write(HikariDataSource ds, int rate, int seconds, AtomicLong ids, Map<Long, Instant> committed)
            throws SQLException {
        List<Long> written = new ArrayList<>();
        long interval = 1_000_000_000L / rate;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO bench_src VALUES (?, ?, 'x', 1.25, date '2026-03-01', time '09:15')")) {
            long start = System.nanoTime();
            long n = (long) rate * seconds;
            for (long i = 0; i < n; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long id = ids.getAndIncrement();
                ps.setLong(1, id);
                ps.setInt(2, (int) i);
                ps.executeUpdate(); // autocommit: one transaction per change
                committed.put(id, Instant.now());
                written.add(id);
            }
        }
        return written;
    }

    private static List<Double> latencies(List<Long> ids, Map<Long, Instant> committed, Map<Long, Instant> seen) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!seen.keySet().containsAll(ids) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
        List<Double> out = new ArrayList<>();
        for (Long id : ids) {
            Instant s = seen.get(id);
            if (s != null) {
                out.add((micros(s) - micros(committed.get(id))) / 1000.0);
            }
        }
        return out;
    }

    private static List<Double> applied(HikariDataSource target, List<Long> ids, Map<Long, Instant> committed) throws SQLException {
        awaitCount(target, "SELECT count(*) FROM bench_dst WHERE id >= " + ids.get(0) + " AND id <= " + ids.get(ids.size() - 1),
                ids.size(), 120);
        List<Double> out = new ArrayList<>();
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, (extract(epoch FROM applied_at) * 1000000)::bigint FROM bench_dst WHERE id BETWEEN ? AND ?")) {
            ps.setLong(1, ids.get(0));
            ps.setLong(2, ids.get(ids.size() - 1));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add((rs.getLong(2) - micros(committed.get(rs.getLong(1)))) / 1000.0);
                }
            }
        }
        return out;
    }

    /** Four writers, 20-row transactions, as fast as they go for the phase; changes/s applied end to end. */
    private static double peak(HikariDataSource legacy, HikariDataSource target, AtomicLong ids, Map<Long, Instant> committed)
            throws Exception {
        long before = count(target, "SELECT count(*) FROM bench_dst");
        long t0 = System.nanoTime();
        long stopAt = t0 + TimeUnit.SECONDS.toNanos(SECONDS);
        AtomicLong written = new AtomicLong();
        CountDownLatch done = new CountDownLatch(4);
        for (int w = 0; w < 4; w++) {
            new Thread(() -> {
                try (Connection c = legacy.getConnection(); PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO bench_src VALUES (?, 1, 'x', 1.25, date '2026-03-01', time '09:15')")) {
                    c.setAutoCommit(false);
                    while (System.nanoTime() < stopAt) {
                        for (int i = 0; i < 20; i++) {
                            ps.setLong(1, ids.getAndIncrement());
                            ps.addBatch();
                        }
                        ps.executeBatch();
                        c.commit();
                        written.addAndGet(20);
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                } finally {
                    done.countDown();
                }
            }).start();
        }
        done.await();
        awaitCount(target, before + written.get(), 300);
        double seconds = (System.nanoTime() - t0) / 1e9;
        return written.get() / seconds;
    }

    private static void row(String name, List<Double> ms) {
        OUT.printf("%-40s p50 %7.1f ms  p99 %7.1f ms  (n=%d)%n", name, pct(ms, 50), pct(ms, 99), ms.size());
    }

    private static double pct(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** Higher is better: actual/target and whether it is met. */
    private static String atLeast(double actual, double target) {
        return String.format("%.2fx %s", actual / target, actual >= target ? "MET" : "MISSED");
    }

    /** Lower is better: actual/target and whether it is met. */
    private static String atMost(double actual, double target) {
        return String.format("%.2fx %s", actual / target, actual <= target ? "MET" : "MISSED");
    }

    /** Raw Debezium initial snapshot of the table, consuming without applying: the baseline for ours. */
    private static double rawSnapshot(LocalPostgres pg, HikariDataSource legacy, long rows) throws Exception {
        AtomicLong n = new AtomicLong();
        Properties p = rawProperties(pg, "bench_rawsnap");
        p.setProperty("snapshot.mode", "initial");
        p.setProperty("snapshot.fetch.size", "10000");
        p.setProperty("decimal.handling.mode", "string");
        long t0 = System.nanoTime();
        try (DebeziumEngine<RecordChangeEvent<SourceRecord>> e = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(p).notifying((List<RecordChangeEvent<SourceRecord>> events,
                        DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> c) -> {
                    n.addAndGet(events.size());
                    for (RecordChangeEvent<SourceRecord> ev : events) {
                        c.markProcessed(ev);
                    }
                    c.markBatchFinished();
                }).build()) {
            new Thread(e, "raw-snapshot").start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
            while (n.get() < rows && System.nanoTime() < deadline) {
                LockSupport.parkNanos(20_000_000L);
            }
            double rate = n.get() / ((System.nanoTime() - t0) / 1e9);
            // Closing while the connector switches from snapshot to streaming makes Debezium log
            // producer failures: stop it once it streams (its slot is in use).
            awaitSlot(legacy, "bench_rawsnap");
            return rate;
        }
    }

    /** Drops a slot once the closed engine's walsender has let go of it. */
    private static void dropSlot(HikariDataSource ds, String slot) throws SQLException {
        awaitCount(ds, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND NOT active", 1, 30);
        exec(ds, "SELECT pg_drop_replication_slot('" + slot + "')");
    }

    private static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    private static void awaitSlot(HikariDataSource ds, String slot) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count(ds, "SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name = '" + slot + "'") == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("slot " + slot + " never became active");
            }
            LockSupport.parkNanos(50_000_000L);
        }
        LockSupport.parkNanos(1_000_000_000L); // let the stream settle before timing
    }

    private static void awaitCount(HikariDataSource ds, long n, int seconds) {
        awaitCount(ds, "SELECT count(*) FROM bench_dst", n, seconds);
    }

    private static void awaitCount(HikariDataSource ds, String sql, long n, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (count(ds, sql) < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + n + " rows: " + sql);
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }

    private static void exec(HikariDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(HikariDataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
