package dev.strangler.cdc;

import static dev.strangler.cdc.TestSchemas.await;
import static dev.strangler.cdc.TestSchemas.count;
import static dev.strangler.cdc.TestSchemas.exec;
import static dev.strangler.cdc.TestSchemas.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cdc.verify.Verifier;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.legacyadapter.mapping.MappingLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The shipped mapping syncs the real sample schemas: the monolith's migrations and the
 * appointments service's migration, read from their modules' sources.
 */
class AppointmentsMappingIT {

    @Test
    void shippedMappingSyncsTheSampleMonolithIntoTheAppointmentsService() throws Exception {
        Path mapping = SampleSchemas.MAPPING;
        try (LocalPostgres pg = LocalPostgres.start()) {
            HikariDataSource legacy = pg.dataSource("mono", 2);
            HikariDataSource svc = pg.dataSource("appts", 2);
            SampleSchemas.create(legacy, svc);
            exec(legacy, """
                    INSERT INTO pt (pt_id, pt_fnm, pt_lnm, pt_st, pt_email) VALUES (1, 'Ann', 'Lee', 'NY', 'ann@example.com');
                    INSERT INTO phys (phys_id, phys_fnm, phys_lnm, phys_npi) VALUES (7, 'Bo', 'Ray', '1234567890');
                    INSERT INTO phys_lic (phys_id, lic_st, lic_no, lic_exp_dt) VALUES (7, 'NY', 'L-1', date '2027-01-01');
                    INSERT INTO appt (appt_id, pt_id, phys_id, appt_dt, appt_tm, appt_notes, crt_ts)
                      VALUES (100, 1, 7, date '2026-02-03', time '10:00', 'private notes', timestamp '2026-01-01 12:00');
                    """);
            CdcSyncConfig config = CdcSyncConfig.builder().source(pg.jdbcUrl("mono")).target(pg.jdbcUrl("appts"))
                    .mapping(mapping).slot("appts_fwd").build();
            try (CdcSync sync = CdcSync.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
                // Tables are snapshotted one after another: wait for the last row of each.
                await(Duration.ofSeconds(30), () -> count(svc, "SELECT count(*) FROM appointments") == 1
                        && count(svc, "SELECT count(*) FROM patient_jurisdictions") == 1
                        && count(svc, "SELECT count(*) FROM physicians") == 1
                        && count(svc, "SELECT count(*) FROM physician_licences") == 1, "snapshot of all four tables");
                assertThat(rows(svc, "SELECT status, starts_at AT TIME ZONE 'UTC', updated_at AT TIME ZONE 'UTC'"
                        + " FROM appointments")).containsExactly("BOOKED|2026-02-03 15:00:00|2026-01-01 12:00:00");
                assertThat(rows(svc, "SELECT * FROM patient_jurisdictions")).containsExactly("1|NY");
                assertThat(rows(svc, "SELECT * FROM physician_licences")).containsExactly("7|NY|2027-01-01|t");

                exec(legacy, """
                        UPDATE appt SET appt_stat = 'C', cxl_rsn = 'sick', cxl_ts = timestamp '2026-02-01 08:00' WHERE appt_id = 100;
                        UPDATE phys_lic SET lic_stat = 'R' WHERE phys_id = 7;
                        INSERT INTO phys_lic (phys_id, lic_st, lic_no, lic_exp_dt) VALUES (7, 'NJ', 'L-2', date '2027-06-01');
                        DELETE FROM phys_lic WHERE lic_st = 'NJ';
                        """);
                await(Duration.ofSeconds(30), () -> count(svc,
                        "SELECT count(*) FROM appointments WHERE status = 'CANCELLED'") == 1, "update streamed");
                await(Duration.ofSeconds(30), () -> count(svc,
                        "SELECT count(*) FROM physician_licences WHERE NOT active") == 1, "licence revoked");
                assertThat(count(svc, "SELECT count(*) FROM physician_licences")).isEqualTo(1);
                assertThat(new Verifier(new MappingLoader().load(mapping), Direction.FORWARD, 100)
                        .run(pg.jdbcUrl("mono"), pg.jdbcUrl("appts"), false).mismatches()).isEmpty();
            }
        }
    }
}
