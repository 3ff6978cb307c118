package dev.strangler.cdc;

import static dev.strangler.cdc.TestSchemas.await;
import static dev.strangler.cdc.TestSchemas.count;
import static dev.strangler.cdc.TestSchemas.exec;
import static dev.strangler.cdc.TestSchemas.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.embedded.LocalPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Snapshot then streaming through the mapping, one syncer shared by the tests of this class. */
class ForwardSyncIT {

    private static LocalPostgres pg;
    private static CdcSync sync;
    private static HikariDataSource legacy;
    private static HikariDataSource target;
    private static final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        TestSchemas.create(pg, "fw");
        legacy = pg.dataSource("fw_legacy", 4);
        target = pg.dataSource("fw_new", 4);
        exec(legacy, "INSERT INTO appt SELECT g, 1000 + g, 'B', date '2026-01-05', time '09:00', 'secret', 'VIDEO', 10.5, 1"
                + " FROM generate_series(1, 600) g");
        exec(legacy, "INSERT INTO appt VALUES (900, 1, 'B', date '2026-01-05', time '09:00', null, 'PHONE', 1, 1)");
        exec(legacy, "INSERT INTO clinic VALUES (1, 'North'), (2, 'South')");
        sync = CdcSync.start(TestSchemas.config(pg, "fw").build(), registry, Clock.systemUTC());
        await(Duration.ofSeconds(30), () -> count(target, "SELECT count(*) FROM appointments") == 600
                && count(target, "SELECT count(*) FROM clinics") == 2, "snapshot copied");
    }

    @AfterAll
    static void stop() {
        if (sync != null) {
            sync.close(); // engine and replication connections before the server (NOTES: shutdown order)
        }
        pg.close();
    }

    @Test
    void snapshotMapsCodesZonesAndLeavesFilteredRowsAndDroppedColumnsBehind() {
        assertThat(rows(target, "SELECT status, starts_at AT TIME ZONE 'UTC', fee, patient_id FROM appointments WHERE id = 7"))
                .containsExactly("BOOKED|2026-01-05 14:00:00|10.50|1007");
        assertThat(count(target, "SELECT count(*) FROM appointments WHERE id = 900")).isZero();
    }

    @Test
    void streamsInsertsUpdatesAndDeletesInOneTransaction() {
        exec(legacy, """
                BEGIN;
                INSERT INTO appt VALUES (1001, 5, 'B', date '2026-07-01', time '23:30', null, 'OFFICE', 3.25, 1);
                UPDATE appt SET status_cd = 'C', version = 2 WHERE appt_id = 2;
                DELETE FROM appt WHERE appt_id = 3;
                UPDATE clinic SET name = 'North-East' WHERE clinic_id = 1;
                COMMIT;
                """);
        await(Duration.ofSeconds(30), () -> count(target, "SELECT count(*) FROM clinics WHERE name = 'North-East'") == 1,
                "update streamed");
        // The whole source transaction is visible at once: the clinic rename came with the rest.
        assertThat(rows(target, "SELECT status, version FROM appointments WHERE id = 2")).containsExactly("CANCELLED|2");
        assertThat(count(target, "SELECT count(*) FROM appointments WHERE id = 3")).isZero();
        assertThat(rows(target, "SELECT starts_at AT TIME ZONE 'UTC' FROM appointments WHERE id = 1001"))
                .containsExactly("2026-07-02 03:30:00");
        assertThat(registry.get("strangler.cdc.lag").timer().count()).isPositive();
    }

    @Test
    void rowLeavingTheFilterLeavesTheTarget() {
        exec(legacy, "UPDATE appt SET kind = 'PHONE' WHERE appt_id = 10");
        await(Duration.ofSeconds(30), () -> count(target, "SELECT count(*) FROM appointments WHERE id = 10") == 0,
                "filtered row removed");
    }

    @Test
    void statusShowsActiveSlotPositionAndEmptyDeadLetters() {
        exec(legacy, "UPDATE appt SET fee = 11 WHERE appt_id = 20");
        await(Duration.ofSeconds(30), () -> sync.status().lagMs() >= 0, "a streamed change applied");
        CdcStatus s = sync.status();
        assertThat(s.role()).isEqualTo("ACTIVE");
        assertThat(s.slot()).isEqualTo("fw_fwd");
        assertThat(s.dlqSize()).isZero();
        assertThat(s.lagMs()).isBetween(0L, 5_000L);
    }
}
