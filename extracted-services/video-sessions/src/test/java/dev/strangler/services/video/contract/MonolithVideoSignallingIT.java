package dev.strangler.services.video.contract;

import dev.strangler.embedded.LocalPostgres;
import dev.strangler.sample.http.Sql;
import dev.strangler.sample.http.Transactions;
import dev.strangler.sample.http.testing.TestHttp;
import dev.strangler.sample.monolith.MonolithApp;
import dev.strangler.sample.monolith.MonolithConfig;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The video contract against the legacy monolith. */
class MonolithVideoSignallingIT extends VideoSignallingContract {

    private static final Map<String, String> CODES = Map.of("BOOKED", "B", "CANCELLED", "C", "COMPLETED", "D",
            "NO_SHOW", "N");
    private LocalPostgres pg;
    private DataSource ds;
    private MonolithApp app;
    private TestHttp http;

    @BeforeAll
    void start() throws SQLException {
        pg = LocalPostgres.start();
        ds = pg.dataSource("legacy");
        app = MonolithApp.start(MonolithConfig.builder(ds).clock(clock).build());
        http = new TestHttp(app.port());
        Transactions.inTransaction(ds, c -> {
            Sql.update(c, "INSERT INTO pt (pt_id, pt_fnm, pt_lnm, pt_st) VALUES (1, 'Video', 'Patient', 'CA')");
            return Sql.update(c, "INSERT INTO phys (phys_id, phys_fnm, phys_lnm, phys_npi) VALUES (1, 'Video', 'Doc', '7000000001')");
        });
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
        pg.close();
    }

    @Override
    protected TestHttp http() {
        return http;
    }

    @Override
    protected void givenAppointment(long id, String status) {
        try {
            // One slot per appointment id keeps the monolith's one-booking-per-slot index satisfied.
            Transactions.inTransaction(ds, c -> Sql.update(c, "INSERT INTO appt (appt_id, pt_id, phys_id, appt_dt, "
                    + "appt_tm, appt_stat) VALUES (?, 1, 1, ?, ?, ?)", id, LocalDate.of(2030, 1, 1).plusDays(id),
                    LocalTime.of(9, 0), CODES.get(status)));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
