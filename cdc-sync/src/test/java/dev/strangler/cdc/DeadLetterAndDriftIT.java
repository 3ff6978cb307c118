package dev.strangler.cdc;

import static dev.strangler.cdc.TestSchemas.await;
import static dev.strangler.cdc.TestSchemas.count;
import static dev.strangler.cdc.TestSchemas.exec;
import static dev.strangler.cdc.TestSchemas.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cdc.admin.DeadLetterAdmin;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.legacyadapter.mapping.MappingLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Poison records, dead letters and schema drift against one running syncer. */
class DeadLetterAndDriftIT {

    private static LocalPostgres pg;
    private static CdcSync sync;
    private static HikariDataSource legacy;
    private static HikariDataSource target;
    private static DeadLetterAdmin dlq;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        TestSchemas.create(pg, "dl");
        legacy = pg.dataSource("dl_legacy", 4);
        target = pg.dataSource("dl_new", 4);
        exec(legacy, "INSERT INTO clinic VALUES (1, 'North')");
        sync = CdcSync.start(TestSchemas.config(pg, "dl").build(), new SimpleMeterRegistry(), Clock.systemUTC());
        await(Duration.ofSeconds(30), () -> count(target, "SELECT count(*) FROM clinics") == 1, "snapshot");
        dlq = new DeadLetterAdmin(pg.jdbcUrl("dl_legacy"), pg.jdbcUrl("dl_new"),
                new MappingLoader().load(TestSchemas.mapping()), Direction.FORWARD, "dl_fwd");
    }

    @AfterAll
    static void stop() {
        sync.close();
        pg.close();
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTableTheStreamGoesOnAndRetryWorksAfterTheFix() {
        exec(legacy, """
                BEGIN;
                INSERT INTO appt VALUES (1, 1, 'B', date '2026-01-05', time '09:00', null, 'VIDEO', 10, 1);
                INSERT INTO appt VALUES (2, 2, 'B', date '2026-01-05', time '09:00', null, 'VIDEO', -5, 1);
                INSERT INTO appt VALUES (3, 3, 'X', date '2026-01-05', time '09:00', null, 'VIDEO', 10, 1);
                COMMIT;
                """);
        exec(legacy, "INSERT INTO appt VALUES (4, 4, 'D', date '2026-01-05', time '09:00', null, 'VIDEO', 10, 1)");
        await(Duration.ofSeconds(30), () -> count(target, "SELECT count(*) FROM appointments WHERE id = 4") == 1,
                "stream continued past the poison records");
        assertThat(rows(target, "SELECT id FROM appointments WHERE id < 10 ORDER BY id")).containsExactly("1", "4");
        List<DeadLetterAdmin.Entry> letters = dlq.list().stream().filter(e -> e.sourceTable().equals("public.appt"))
                .sorted(java.util.Comparator.comparing(DeadLetterAdmin.Entry::key)).toList();
        assertThat(letters).extracting(DeadLetterAdmin.Entry::key).containsExactly("{\"appt_id\":2}", "{\"appt_id\":3}");
        assertThat(letters.get(0).reason()).contains("23514").contains("fee_not_negative").doesNotContain("-5");
        assertThat(letters.get(1).reason()).contains("mapping: appt.status_cd: value code not in the mapping's codes");
        assertThat(sync.status().dlqSize()).isGreaterThanOrEqualTo(2);

        // A retry before the fix still fails, and its reason still names the constraint (no row values).
        assertThat(dlq.retry(letters.get(0).id()).stillFailing()).isEqualTo(1);
        assertThat(dlq.list()).filteredOn(e -> e.id() == letters.get(0).id()).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("23514", "fee_not_negative", "(on retry)").doesNotContain("-5"));
        exec(target, "ALTER TABLE appointments DROP CONSTRAINT fee_not_negative"); // the fix for id 2
        DeadLetterAdmin.RetryResult r = dlq.retry(letters.get(0).id());
        assertThat(r.applied()).isEqualTo(1);
        assertThat(rows(target, "SELECT fee FROM appointments WHERE id = 2")).containsExactly("-5.00");
        assertThat(dlq.retry(letters.get(1).id()).stillFailing()).isEqualTo(1); // code X still unknown
        assertThat(dlq.discard(letters.get(1).id())).isEqualTo(1);
        assertThat(dlq.list()).noneMatch(e -> e.sourceTable().equals("public.appt"));
    }

    @Test
    void newNullableLegacyColumnDoesNotStopTheSync() {
        exec(legacy, "ALTER TABLE appt ADD COLUMN room text");
        exec(legacy, "INSERT INTO appt VALUES (50, 5, 'B', date '2026-01-05', time '09:00', null, 'VIDEO', 1, 1, 'R2')");
        await(Duration.ofSeconds(30), () -> count(target, "SELECT count(*) FROM appointments WHERE id = 50") == 1,
                "row with the new column synced");
    }

    @Test
    void droppedMappedColumnStopsThatTableWithAClearErrorAndOthersGoOn() {
        exec(legacy, "ALTER TABLE clinic DROP COLUMN name");
        exec(legacy, "INSERT INTO clinic VALUES (2)");
        exec(legacy, "INSERT INTO appt VALUES (60, 6, 'B', date '2026-01-05', time '09:00', null, 'VIDEO', 1, 1)");
        await(Duration.ofSeconds(30), () -> count(target, "SELECT count(*) FROM appointments WHERE id = 60") == 1,
                "other table still syncing");
        await(Duration.ofSeconds(30), () -> sync.status().stoppedTables().containsKey("public.clinic"), "clinic stopped");
        assertThat(sync.status().stoppedTables().get("public.clinic"))
                .contains("mapped column(s) name no longer in source table public.clinic");
        assertThat(count(target, "SELECT count(*) FROM clinics WHERE id = 2")).isZero();
        assertThat(dlq.list()).anySatisfy(e -> {
            assertThat(e.sourceTable()).isEqualTo("public.clinic");
            assertThat(e.reason()).startsWith("table stopped:");
        });
    }
}
