package dev.strangler.cdc;

import static dev.strangler.cdc.TestSchemas.await;
import static dev.strangler.cdc.TestSchemas.count;
import static dev.strangler.cdc.TestSchemas.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cdc.verify.Verifier;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.legacyadapter.mapping.MappingLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Forward and reverse sync at once, with writes on both sides (including the same rows):
 * replication origins stop echoes, the version rule (legacy wins ties) settles conflicts.
 */
class BidirectionalIT {

    @Test
    void bothDirectionsUnderWritesOnBothSidesConvergeWithoutLoops() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start()) {
            TestSchemas.create(pg, "bi");
            HikariDataSource legacy = pg.dataSource("bi_legacy", 4);
            HikariDataSource fresh = pg.dataSource("bi_new", 4);
            exec(legacy, "INSERT INTO appt SELECT g, g, 'B', date '2026-01-05', time '09:00', null, 'VIDEO', 1, 1"
                    + " FROM generate_series(1, 200) g");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            CdcSyncConfig fwd = TestSchemas.config(pg, "bi").build();
            CdcSyncConfig rev = CdcSyncConfig.builder().source(pg.jdbcUrl("bi_new")).target(pg.jdbcUrl("bi_legacy"))
                    .control(pg.jdbcUrl("bi_new")).mapping(TestSchemas.mapping()).slot("bi_rev")
                    .direction(Direction.REVERSE).snapshot(false).build();
            try (CdcSync forward = CdcSync.start(fwd, registry, Clock.systemUTC());
                    CdcSync reverse = CdcSync.start(rev, registry, Clock.systemUTC())) {
                await(Duration.ofSeconds(30), () -> count(fresh, "SELECT count(*) FROM appointments") == 200, "snapshot");
                await(Duration.ofSeconds(30), () -> "ACTIVE".equals(reverse.status().role()), "reverse active");
                AtomicBoolean writing = new AtomicBoolean(true);
                Thread a = new Thread(() -> write(legacy, writing, "UPDATE appt SET status_cd = ?, version = version + 1"
                        + " WHERE appt_id = ?", "INSERT INTO appt VALUES (?, 1, 'B', date '2026-03-01', time '08:00', null,"
                        + " 'VIDEO', 1, 1)", 100_000, new String[] {"C", "D"}));
                Thread b = new Thread(() -> write(fresh, writing, "UPDATE appointments SET status = ?, version = version + 1"
                        + " WHERE id = ?", "INSERT INTO appointments VALUES (?, 2, 'BOOKED', now(), 1, 1)", 200_000,
                        new String[] {"BOOKED", "DONE"}));
                a.start();
                b.start();
                long start = System.nanoTime();
                await(Duration.ofSeconds(20), () -> System.nanoTime() - start > 4_000_000_000L, "4 s of writes");
                writing.set(false);
                a.join();
                b.join();

                Verifier verifier = new Verifier(new MappingLoader().load(TestSchemas.mapping()), Direction.FORWARD, 1000);
                await(Duration.ofSeconds(60), () -> verifier.run(pg.jdbcUrl("bi_legacy"), pg.jdbcUrl("bi_new"), false)
                        .clean(), "both sides equal");
                assertThat(count(fresh, "SELECT count(*) FROM appointments WHERE id >= 200000")).isPositive();
                assertThat(count(legacy, "SELECT count(*) FROM appt WHERE appt_id >= 200000")).isPositive();

                // No loop: once quiet, one more legacy write is applied exactly once and never comes back.
                long fwdRows = applied(fresh, "bi_fwd");
                long revRows = applied(legacy, "bi_rev");
                exec(legacy, "INSERT INTO appt VALUES (999999, 9, 'B', date '2026-04-01', time '08:00', null, 'VIDEO', 1, 1)");
                await(Duration.ofSeconds(30), () -> count(fresh, "SELECT count(*) FROM appointments WHERE id = 999999") == 1,
                        "marker synced");
                exec(fresh, "INSERT INTO appointments VALUES (999998, 9, 'BOOKED', now(), 1, 1)");
                await(Duration.ofSeconds(30), () -> count(legacy, "SELECT count(*) FROM appt WHERE appt_id = 999998") == 1,
                        "reverse marker synced");
                assertThat(applied(fresh, "bi_fwd")).isEqualTo(fwdRows + 1);
                assertThat(applied(legacy, "bi_rev")).isEqualTo(revRows + 1);
                assertThat(verifier.run(pg.jdbcUrl("bi_legacy"), pg.jdbcUrl("bi_new"), false).mismatches()).isEmpty();
            }
        }
    }

    private static long applied(HikariDataSource ds, String slot) {
        return count(ds, "SELECT rows_applied FROM strangler_cdc_offset WHERE slot = '" + slot + "'");
    }

    /** ~150 transactions/s: update a random shared row (ids 1..200 exist on both sides) or insert an own row. */
    private static void write(HikariDataSource ds, AtomicBoolean writing, String update, String insert, long firstId,
            String[] statuses) {
        SplittableRandom rnd = new SplittableRandom(firstId);
        long next = firstId;
        try (Connection c = ds.getConnection(); PreparedStatement upd = c.prepareStatement(update);
                PreparedStatement ins = c.prepareStatement(insert)) {
            while (writing.get()) {
                if (rnd.nextInt(4) == 0) {
                    ins.setLong(1, next++);
                    ins.executeUpdate();
                } else {
                    upd.setString(1, statuses[rnd.nextInt(statuses.length)]);
                    upd.setLong(2, rnd.nextLong(1, 201));
                    upd.executeUpdate();
                }
                LockSupport.parkNanos(6_000_000L); // pacing of the load generator
            }
        } catch (SQLException e) {
            throw new IllegalStateException("writer failed: " + e.getMessage(), e);
        }
    }
}
