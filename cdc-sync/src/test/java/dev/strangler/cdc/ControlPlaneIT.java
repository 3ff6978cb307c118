package dev.strangler.cdc;

import static dev.strangler.cdc.TestSchemas.await;
import static dev.strangler.cdc.TestSchemas.count;
import static dev.strangler.cdc.TestSchemas.exec;
import static dev.strangler.cdc.TestSchemas.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cdc.admin.DeadLetterAdmin;
import dev.strangler.cdc.admin.Ownership;
import dev.strangler.cdc.admin.SchemaCheck;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.legacyadapter.mapping.MappingLoader;
import dev.strangler.legacyadapter.mapping.ServiceMapping;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Schema check against live databases, and data ownership (gated, audited, steering sync directions). */
class ControlPlaneIT {

    private static LocalPostgres pg;
    private static final ServiceMapping MAPPING = new MappingLoader().load(TestSchemas.mapping());

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void checkPassesForMatchingSchemas() {
        TestSchemas.create(pg, "ok");
        SchemaCheck.Report r = SchemaCheck.run(MAPPING, pg.jdbcUrl("ok_legacy"), pg.jdbcUrl("ok_new"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.warnings()).noneMatch(w -> w.contains("appt.notes")); // dropped on purpose, so no warning
    }

    @Test
    void checkReportsEveryProblemAtOnce() {
        exec(pg.dataSource("bad_legacy", 2), "CREATE TABLE appt (appt_id bigint PRIMARY KEY, patient_no text,"
                + " status_cd char(1), appt_date date, appt_time time, kind text, fee numeric, version int)");
        exec(pg.dataSource("bad_new", 2), "CREATE TABLE appointments (id bigint PRIMARY KEY, patient_id bigint,"
                + " status text, starts_at timestamp, version int, must_fill text NOT NULL)");
        SchemaCheck.Report r = SchemaCheck.run(MAPPING, pg.jdbcUrl("bad_legacy"), pg.jdbcUrl("bad_new"));
        assertThat(r.errors()).containsExactlyInAnyOrder(
                "public.appointments.patient_id: type mismatch: text → bigint",
                "public.appointments.starts_at: type mismatch: date + time → timestamptz expected, found date + time"
                        + " without time zone → timestamp without time zone",
                "public.appointments.fee does not exist",
                "public.appointments.must_fill is NOT NULL without a default and not mapped: inserts would fail",
                "legacy table public.clinic does not exist (mapping " + MAPPING.file() + ", table clinics)",
                "new table public.clinics does not exist (mapping " + MAPPING.file() + ")");
    }

    @Test
    void ownerChangeIsRefusedWhileDeadLettersWaitIsAuditedAndSteersTheDirections() throws Exception {
        TestSchemas.create(pg, "own");
        HikariDataSource legacy = pg.dataSource("own_legacy", 2);
        HikariDataSource target = pg.dataSource("own_new", 2);
        String control = pg.jdbcUrl("own_new");
        List<Ownership.SlotRef> gates = List.of(new Ownership.SlotRef(control, "own_fwd"));
        // Re-read only every minute: within the test's deadlines, owner changes can only arrive by NOTIFY.
        try (CdcSync sync = CdcSync.start(TestSchemas.config(pg, "own").ownerRefresh(Duration.ofMinutes(1)).build(),
                new SimpleMeterRegistry(), Clock.systemUTC())) {
            exec(legacy, "INSERT INTO appt VALUES (1, 1, 'B', date '2026-01-05', time '09:00', null, 'VIDEO', -1, 1)");
            await(Duration.ofSeconds(30), () -> sync.status().dlqSize() == 1, "poison record dead-lettered");

            assertThatThrownBy(() -> Ownership.change(control, "clinics", Ownership.Owner.NEW, "alice", "cutover", gates,
                    1_000, 0)).isInstanceOf(CdcSyncException.class).hasMessageContaining("1 dead letters (bound 0)");

            new DeadLetterAdmin(pg.jdbcUrl("own_legacy"), control, MAPPING, Direction.FORWARD, "own_fwd").discard(null);
            Ownership.change(control, "clinics", Ownership.Owner.NEW, "alice", "cutover", gates, 60_000, 0);
            assertThat(rows(target, "SELECT actor, subject, from_value, to_value, detail FROM strangler_cdc_audit"))
                    .containsExactly("alice|clinics|both|new|cutover");
            // The active syncer records the ownership version it applies: what `cdc owner` waits for.
            assertThat(Ownership.awaitApplied(control, List.of("own_fwd"), Duration.ofSeconds(20))).as("not applied yet").isEmpty();
            assertThat(sync.owners().get("clinics")).isEqualTo(Ownership.Owner.NEW);
            assertThat(Ownership.awaitApplied(control, List.of("own_fwd", "no_such_slot"), Duration.ofMillis(300)))
                    .containsExactly("no_such_slot");

            // The new side owns clinics: legacy writes to it no longer flow forward; appointments still do.
            // The stray legacy write is not lost: it waits in the dead-letter table, and blocks the next owner change.
            exec(legacy, "INSERT INTO clinic VALUES (5, 'Parked')");
            exec(legacy, "INSERT INTO appt VALUES (2, 1, 'B', date '2026-01-05', time '09:00', null, 'VIDEO', 1, 1)");
            await(Duration.ofSeconds(30), () -> count(target, "SELECT count(*) FROM appointments WHERE id = 2") == 1, "barrier");
            assertThat(count(target, "SELECT count(*) FROM clinics")).isZero();
            assertThat(rows(target, "SELECT source_table, reason FROM strangler_cdc_dlq WHERE slot = 'own_fwd'"))
                    .singleElement().asString().startsWith("public.clinic|not the owner: written on the legacy side while"
                            + " clinics is owned by new").contains("strangler cdc dlq retry");
            assertThatThrownBy(() -> Ownership.change(control, "clinics", Ownership.Owner.LEGACY, "bob", "rollback", gates,
                    60_000, 0)).isInstanceOf(CdcSyncException.class).hasMessageContaining("1 dead letters (bound 0)");
            // Both directions on is never refused (it skips nothing), dead letters or not; once the syncer reads
            // it, the parked write is applied by itself (as `dlq retry` would) and the dead letter is gone.
            Ownership.change(control, "clinics", Ownership.Owner.BOTH, "bob", "rollback: both apply", gates, 60_000, 0);
            await(Duration.ofSeconds(30), () -> count(target, "SELECT count(*) FROM strangler_cdc_dlq WHERE slot = 'own_fwd'") == 0,
                    "parked write applied");
            assertThat(rows(target, "SELECT id, name FROM clinics")).containsExactly("5|Parked");

            Ownership.change(control, "clinics", Ownership.Owner.LEGACY, "bob", "rollback", gates, 60_000, 0);
            await(Duration.ofSeconds(30), () -> sync.owners().get("clinics") == Ownership.Owner.LEGACY, "owner back");
            exec(legacy, "INSERT INTO clinic VALUES (6, 'Synced')");
            await(Duration.ofSeconds(30), () -> count(target, "SELECT count(*) FROM clinics WHERE id = 6") == 1, "synced");
        }
    }
}
