package dev.strangler.cdc;

import static dev.strangler.cdc.TestSchemas.await;
import static dev.strangler.cdc.TestSchemas.count;
import static dev.strangler.cdc.TestSchemas.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.embedded.LocalPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Forward-only operation with the reverse syncer running: the new database receives only
 * changes the forward syncer applies (origin-tagged, so the reverse slot's {@code origin=none}
 * stream carries none of them) and writes to tables outside the publication. The reverse slot
 * must still confirm that WAL (or the new database retains WAL forever), and a slot confirmed
 * past the stored offset must lose nothing when the syncer restarts.
 */
class IdleSlotIT {

    @Test
    void aSlotThatOnlySeesFilteredChangesAdvancesAndStillLosesNothing() {
        try (LocalPostgres pg = LocalPostgres.start()) {
            TestSchemas.create(pg, "idle");
            HikariDataSource legacy = pg.dataSource("idle_legacy", 2);
            HikariDataSource fresh = pg.dataSource("idle_new", 2);
            exec(fresh, "CREATE TABLE unrelated (id bigserial PRIMARY KEY, payload text)");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            CdcSyncConfig rev = CdcSyncConfig.builder().source(pg.jdbcUrl("idle_new")).target(pg.jdbcUrl("idle_legacy"))
                    .control(pg.jdbcUrl("idle_new")).mapping(TestSchemas.mapping()).slot("idle_rev")
                    .direction(Direction.REVERSE).snapshot(false).build();
            try (CdcSync forward = CdcSync.start(TestSchemas.config(pg, "idle").build(), registry, Clock.systemUTC())) {
                CdcSync reverse = CdcSync.start(rev, registry, Clock.systemUTC());
                try {
                    await(Duration.ofSeconds(60), () -> count(fresh, "SELECT count(*) FROM pg_replication_slots"
                            + " WHERE slot_name = 'idle_rev' AND active") == 1, "reverse slot streaming");
                    await(Duration.ofSeconds(60), () -> count(legacy, "SELECT count(*) FROM pg_replication_slots"
                            + " WHERE slot_name = 'idle_fwd' AND active") == 1, "forward slot streaming");
                    long confirmedBefore = confirmedFlush(fresh);

                    // Only forwarded (origin-tagged) and unrelated writes reach the new database.
                    for (int i = 1; i <= 20; i++) {
                        exec(legacy, "INSERT INTO appt SELECT g, g, 'B', date '2026-01-05', time '09:00', null, 'VIDEO', 1, 1"
                                + " FROM generate_series(" + (i * 100) + ", " + (i * 100 + 99) + ") g");
                        exec(fresh, "INSERT INTO unrelated (payload) SELECT repeat('x', 200) FROM generate_series(1, 50)");
                    }
                    await(Duration.ofSeconds(30), () -> count(fresh, "SELECT count(*) FROM appointments") == 2000,
                            "forward sync applied");
                    long walAfterWrites = currentWal(fresh);
                    assertThat(walAfterWrites - confirmedBefore).as("WAL written on the new database").isGreaterThan(100_000);
                    await(Duration.ofSeconds(30), () -> confirmedFlush(fresh) >= walAfterWrites,
                            "reverse slot confirmed past the WAL it never streamed (" + Lsns.format(walAfterWrites) + ")");
                    assertThat(count(legacy, "SELECT count(*) FROM strangler_cdc_offset WHERE slot = 'idle_rev'"))
                            .as("the reverse syncer applied nothing, so it stored no offset").isZero();
                } finally {
                    reverse.close();
                }

                // The slot is now ahead of anything the reverse syncer stored: a restart resumes at the
                // slot, and a change made while it was down still arrives exactly once.
                exec(fresh, "INSERT INTO appointments VALUES (500000, 5, 'BOOKED', now(), 1, 1)");
                try (CdcSync again = CdcSync.start(rev, registry, Clock.systemUTC())) {
                    await(Duration.ofSeconds(60), () -> count(legacy, "SELECT count(*) FROM appt WHERE appt_id = 500000") == 1,
                            "change made while the reverse syncer was down arrived");
                    exec(fresh, "UPDATE appointments SET status = 'CANCELLED', version = 2 WHERE id = 500000");
                    await(Duration.ofSeconds(30), () -> count(legacy,
                            "SELECT count(*) FROM appt WHERE appt_id = 500000 AND status_cd = 'C'") == 1, "update streamed");
                    assertThat(count(legacy, "SELECT rows_applied FROM strangler_cdc_offset WHERE slot = 'idle_rev'"))
                            .isEqualTo(2);
                    assertThat(count(fresh, "SELECT count(*) FROM appointments")).as("no echo").isEqualTo(2001);
                }
            }
        }
    }

    private static long confirmedFlush(HikariDataSource ds) {
        return count(ds, "SELECT confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots WHERE slot_name = 'idle_rev'");
    }

    private static long currentWal(HikariDataSource ds) {
        return count(ds, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
    }
}
