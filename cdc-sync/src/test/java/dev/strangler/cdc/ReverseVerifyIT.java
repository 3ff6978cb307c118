package dev.strangler.cdc;

import static dev.strangler.cdc.TestSchemas.await;
import static dev.strangler.cdc.TestSchemas.count;
import static dev.strangler.cdc.TestSchemas.exec;
import static dev.strangler.cdc.TestSchemas.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cdc.admin.Ownership;
import dev.strangler.cdc.verify.Verifier;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.legacyadapter.mapping.MappingLoader;
import dev.strangler.legacyadapter.mapping.ServiceMapping;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After write ownership of appointments moves to the new service, its writes flow back to the
 * monolith by reverse sync; {@code verify --authority new} then compares the monolith against
 * the service through the SHIPPED mapping (date + time split, value codes, a timestamp with a
 * fallback column, dropped PHI columns): equal sides report nothing, a real difference is
 * reported and repaired from the new side.
 */
class ReverseVerifyIT {

    @Test
    void verifyWithNewAsAuthorityFindsNothingAfterReverseSyncAndRepairsARealDifference() {
        try (LocalPostgres pg = LocalPostgres.start()) {
            HikariDataSource legacy = pg.dataSource("rv_mono", 2);
            HikariDataSource svc = pg.dataSource("rv_appts", 2);
            SampleSchemas.create(legacy, svc);
            // Like the monolith's own rows: most never updated (upd_ts null, the mapping falls back
            // to crt_ts), some cancelled, some with notes and billing codes the service never sees.
            exec(legacy, """
                    INSERT INTO pt (pt_id, pt_fnm, pt_lnm, pt_st) SELECT g, 'F' || g, 'L' || g, 'NY' FROM generate_series(1, 5) g;
                    INSERT INTO phys (phys_id, phys_fnm, phys_lnm, phys_npi) VALUES (7, 'Bo', 'Ray', '1234567890');
                    INSERT INTO phys_lic (phys_id, lic_st, lic_no, lic_exp_dt) VALUES (7, 'NY', 'L-1', date '2027-01-01');
                    INSERT INTO appt (appt_id, pt_id, phys_id, appt_dt, appt_tm, appt_rsn, appt_notes, bill_cd, crt_ts)
                      SELECT g, 1 + g % 5, 7, date '2026-03-01' + g, time '09:30', 'reason ' || g, 'notes ' || g, 'B1',
                             timestamp '2026-01-01 12:00:00.123456' + g * interval '1 hour'
                      FROM generate_series(1, 40) g;
                    UPDATE appt SET upd_ts = crt_ts + interval '5 minutes', appt_stat = 'C', cxl_rsn = 'sick',
                      cxl_ts = crt_ts + interval '5 minutes' WHERE appt_id > 36;
                    """);
            String monoUrl = pg.jdbcUrl("rv_mono");
            String svcUrl = pg.jdbcUrl("rv_appts");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            CdcSyncConfig fwd = CdcSyncConfig.builder().source(monoUrl).target(svcUrl).mapping(SampleSchemas.MAPPING)
                    .slot("rv_fwd").build();
            CdcSyncConfig rev = CdcSyncConfig.builder().source(svcUrl).target(monoUrl).control(svcUrl)
                    .mapping(SampleSchemas.MAPPING).slot("rv_rev").direction(Direction.REVERSE).snapshot(false).build();
            try (CdcSync forward = CdcSync.start(fwd, registry, Clock.systemUTC());
                    CdcSync reverse = CdcSync.start(rev, registry, Clock.systemUTC())) {
                await(Duration.ofSeconds(60), () -> count(svc, "SELECT count(*) FROM appointments") == 40
                        && count(svc, "SELECT count(*) FROM physician_licences") == 1, "initial copy");
                await(Duration.ofSeconds(60), () -> count(svc, "SELECT count(*) FROM pg_replication_slots"
                        + " WHERE slot_name = 'rv_rev' AND active") == 1, "reverse slot streaming");

                // Cutover: the service owns appointments; the monolith's own writes to them are no longer forwarded.
                Ownership.change(svcUrl, "appointments", Ownership.Owner.NEW, "test", "cutover", List.of(), 0, 0);
                await(Duration.ofSeconds(30), () -> forward.owners().get("appointments") == Ownership.Owner.NEW
                        && reverse.owners().get("appointments") == Ownership.Owner.NEW, "both syncers see the new owner");

                // The service also owns patients' jurisdictions now. The monolith's pt table requires names
                // the mapping never writes (PHI stays there): an upsert would fail on NOT NULL before finding
                // the row, so the existing row must be updated instead.
                Ownership.change(svcUrl, "patient_jurisdictions", Ownership.Owner.NEW, "test", "cutover", List.of(), 0, 0);
                await(Duration.ofSeconds(30), () -> reverse.owners().get("patient_jurisdictions") == Ownership.Owner.NEW,
                        "reverse syncer sees the new owner of patient_jurisdictions");
                exec(svc, "UPDATE patient_jurisdictions SET state = 'NJ' WHERE patient_id = 2");
                await(Duration.ofSeconds(30), () -> rows(legacy, "SELECT pt_st FROM pt WHERE pt_id = 2").equals(List.of("NJ")),
                        "jurisdiction change carried back");
                assertThat(rows(legacy, "SELECT pt_fnm, pt_lnm FROM pt WHERE pt_id = 2")).containsExactly("F2|L2");
                assertThat(count(legacy, "SELECT count(*) FROM strangler_cdc_dlq")).as("nothing dead-lettered").isZero();

                // The service's own writes: new bookings (its id range), cancellations and a reschedule.
                exec(svc, """
                        INSERT INTO appointments (patient_id, physician_id, starts_at, reason)
                          SELECT 1 + g % 5, 7, timestamptz '2026-05-01 14:15:00.5+00' + g * interval '1 day', 'booked on new'
                          FROM generate_series(1, 10) g;
                        UPDATE appointments SET status = 'CANCELLED', cancellation_reason = 'changed plans',
                          cancelled_at = now(), updated_at = now() WHERE id BETWEEN 1 AND 5;
                        UPDATE appointments SET starts_at = starts_at + interval '1 day 30 minutes',
                          reschedule_count = reschedule_count + 1, updated_at = now() WHERE id = 20;
                        """);
                await(Duration.ofSeconds(30), () -> count(legacy, "SELECT count(*) FROM appt WHERE appt_id >= 1000000000000") == 10
                        && count(legacy, "SELECT count(*) FROM appt WHERE appt_id <= 5 AND appt_stat = 'C'") == 5
                        && count(legacy, "SELECT rschd_cnt FROM appt WHERE appt_id = 20") == 1, "reverse sync applied");
                assertThat(rows(legacy, "SELECT appt_dt, appt_tm, appt_notes FROM appt WHERE appt_id = 20"))
                        .as("reschedule in clinic local time; PHI column untouched").containsExactly("2026-03-22|10:00:00|notes 20");

                ServiceMapping mapping = new MappingLoader().load(SampleSchemas.MAPPING);
                Verifier fromNew = new Verifier(mapping, Direction.REVERSE, 16);
                Verifier.Report report = fromNew.run(svcUrl, monoUrl, false);
                assertThat(report.mismatches()).as("authority new, right after reverse sync").isEmpty();
                assertThat(report.rowsCompared()).isEqualTo(50 + 5 + 1 + 1);
                assertThat(new Verifier(mapping, Direction.FORWARD, 16).run(monoUrl, svcUrl, false).mismatches())
                        .as("authority legacy").isEmpty();

                // Behind the sync's back (the monolith no longer owns appointments, so nothing forwards it):
                // a mapped column is a real difference, a dropped (PHI) column is none of the service's business.
                exec(legacy, "UPDATE appt SET appt_rsn = 'edited on legacy' WHERE appt_id = 3;"
                        + " UPDATE appt SET appt_notes = 'more notes', bill_cd = 'B2' WHERE appt_id = 4");
                Verifier.Report diff = fromNew.run(svcUrl, monoUrl, false);
                assertThat(diff.mismatches()).extracting(m -> m.table(), m -> m.key().toString(), m -> m.kind())
                        .containsExactly(tuple("public.appt", "{appt_id=3}", "different"));
                assertThat(count(svc, "SELECT count(*) FROM appointments WHERE reason = 'edited on legacy'"))
                        .as("the edit was not forwarded").isZero();

                Verifier.Report repaired = fromNew.run(svcUrl, monoUrl, true);
                assertThat(repaired.repaired()).isEqualTo(1);
                assertThat(rows(legacy, "SELECT appt_rsn, appt_stat, upd_ts IS NOT NULL FROM appt WHERE appt_id = 3"))
                        .containsExactly("reason 3|C|t");
                assertThat(fromNew.run(svcUrl, monoUrl, false).mismatches()).as("after --repair").isEmpty();

                // A row new to the monolith cannot be created without the names it requires: dead-lettered,
                // and the reason says which column and what to do (no row values: PHI).
                exec(svc, "INSERT INTO patient_jurisdictions (patient_id, state) VALUES (99, 'CA')");
                await(Duration.ofSeconds(30), () -> count(legacy, "SELECT count(*) FROM strangler_cdc_dlq") == 1, "dead-lettered");
                assertThat(rows(legacy, "SELECT reason FROM strangler_cdc_dlq")).singleElement().asString()
                        .startsWith("SQLSTATE 23502: null value in column \"pt_fnm\"")
                        .contains("requires a column the mapping does not write").doesNotContain("CA");
            }
        }
    }
}
