package dev.strangler.cdc;

import static dev.strangler.cdc.TestSchemas.await;
import static dev.strangler.cdc.TestSchemas.count;
import static dev.strangler.cdc.TestSchemas.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cdc.verify.Verifier;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.legacyadapter.mapping.MappingLoader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The syncer runs in a child JVM and is killed with SIGKILL several times while a writer
 * inserts, updates and deletes; after restarts the target equals the source through the mapping.
 */
class CrashRecoveryIT {

    private static LocalPostgres pg;
    private static HikariDataSource legacy;
    private static HikariDataSource target;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        TestSchemas.create(pg, "cr");
        legacy = pg.dataSource("cr_legacy", 4);
        target = pg.dataSource("cr_new", 4);
        exec(legacy, "INSERT INTO appt SELECT g, g, 'B', date '2026-01-05', time '09:00', null, 'VIDEO', 1, 1"
                + " FROM generate_series(1, 2000) g");
        exec(legacy, "CREATE TABLE unrelated (id bigserial PRIMARY KEY, payload text)");
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void killedSyncerResumesFromStoredOffsetWithNoGapAndNoDuplicate() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        Thread writer = new Thread(() -> write(writing, writes), "writer");
        // Writes outside the publication between real changes: WAL the slot streams nothing for, so a
        // restart must not depend on where the server's position is, only on the stored offset.
        Thread noise = new Thread(() -> noise(writing), "noise");
        String src = pg.jdbcUrl("cr_legacy");
        String dst = pg.jdbcUrl("cr_new");
        Process child = SyncChild.spawn(src, dst, TestSchemas.mapping(), "cr_fwd");
        try {
            await(Duration.ofSeconds(40), () -> count(target, "SELECT count(*) FROM appointments") >= 2000, "snapshot");
            writer.start();
            noise.start();
            for (int kill = 0; kill < 3; kill++) {
                long applied = appliedRows();
                await(Duration.ofSeconds(60), () -> appliedRows() > applied + 200, "syncer applying writes");
                child.destroyForcibly().waitFor();
                child = SyncChild.spawn(src, dst, TestSchemas.mapping(), "cr_fwd");
            }
            long applied = appliedRows();
            await(Duration.ofSeconds(60), () -> appliedRows() > applied + 200, "restarted syncer applying");
            writing.set(false);
            writer.join();
            noise.join();
            long lastTx = count(legacy, "SELECT max(version) FROM appt");
            // The last transaction inserts a row with the highest version: once it is there, all is.
            await(Duration.ofSeconds(60), () -> count(target, "SELECT coalesce(max(version), 0) FROM appointments") >= lastTx,
                    "target caught up to version " + lastTx);
        } finally {
            child.destroyForcibly().waitFor();
        }
        Verifier.Report report = new Verifier(new MappingLoader().load(TestSchemas.mapping()), Direction.FORWARD, 500)
                .run(src, dst, false);
        assertThat(report.mismatches()).as("differences").isEmpty();
        assertThat(report.rowsCompared()).isGreaterThan(2000);
        assertThat(writes.get()).isGreaterThan(500);
        assertThat(count(target, "SELECT count(*) FROM appointments"))
                .isEqualTo(count(legacy, "SELECT count(*) FROM appt WHERE kind IN ('VIDEO', 'OFFICE')"));
    }

    private static long appliedRows() {
        return count(target, "SELECT coalesce(sum(rows_applied), 0) FROM strangler_cdc_offset");
    }

    /** ~100 single-row transactions/s on a table the syncer does not stream. */
    private static void noise(AtomicBoolean writing) {
        try (Connection c = legacy.getConnection();
                PreparedStatement ins = c.prepareStatement("INSERT INTO unrelated (payload) VALUES (repeat('x', 100))")) {
            while (writing.get()) {
                ins.executeUpdate();
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L); // pacing of the load generator
            }
        } catch (SQLException e) {
            throw new IllegalStateException("noise writer failed: " + e.getMessage(), e);
        }
    }

    /** Small transactions: insert a new row, update two, delete one; version counts writes. */
    private static void write(AtomicBoolean writing, AtomicLong writes) {
        SplittableRandom rnd = new SplittableRandom(42);
        long nextId = 10_000;
        try (Connection c = legacy.getConnection()) {
            c.setAutoCommit(false);
            PreparedStatement ins = c.prepareStatement("INSERT INTO appt VALUES (?, ?, 'B', date '2026-02-01', time '10:15',"
                    + " null, 'VIDEO', 2, ?)");
            PreparedStatement upd = c.prepareStatement("UPDATE appt SET status_cd = ?, fee = fee + 1, version = ? WHERE appt_id = ?");
            PreparedStatement del = c.prepareStatement("DELETE FROM appt WHERE appt_id = ?");
            while (writing.get()) {
                long v = writes.incrementAndGet() + 1;
                ins.setLong(1, nextId);
                ins.setLong(2, nextId);
                ins.setLong(3, v);
                ins.executeUpdate();
                nextId++;
                for (int i = 0; i < 2; i++) {
                    upd.setString(1, rnd.nextBoolean() ? "C" : "D");
                    upd.setLong(2, v);
                    upd.setLong(3, rnd.nextLong(1, nextId));
                    upd.executeUpdate();
                }
                del.setLong(1, rnd.nextLong(1, nextId));
                del.executeUpdate();
                c.commit();
                // Pace the writer at ~250 transactions/s (~1,000 row changes/s): a load generator, not a wait.
                java.util.concurrent.locks.LockSupport.parkNanos(4_000_000L);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("writer failed: " + e.getMessage(), e);
        }
    }
}
