package dev.strangler.services.appointments.contract;

import dev.strangler.embedded.LocalPostgres;
import dev.strangler.sample.http.Sql;
import dev.strangler.sample.http.Transactions;
import dev.strangler.sample.http.testing.TestHttp;
import dev.strangler.sample.monolith.MonolithApp;
import dev.strangler.sample.monolith.MonolithConfig;
import java.sql.SQLException;
import java.time.LocalDate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The appointment contract against the legacy monolith. */
class MonolithAppointmentsContractIT extends AppointmentsContract {

    private LocalPostgres pg;
    private DataSource ds;
    private MonolithApp app;
    private TestHttp http;

    @BeforeAll
    void start() {
        pg = LocalPostgres.start();
        ds = pg.dataSource("legacy", 20);
        app = MonolithApp.start(MonolithConfig.builder(ds).clock(CLOCK).build());
        http = new TestHttp(app.port());
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
    protected void givenPatient(long id, String state) {
        run(c -> Sql.update(c, "INSERT INTO pt (pt_id, pt_fnm, pt_lnm, pt_st) VALUES (?, 'Contract', 'Patient', ?)",
                id, state));
    }

    @Override
    protected void givenPhysician(long id, LocalDate expiresOn, String... states) {
        run(c -> {
            Sql.update(c, "INSERT INTO phys (phys_id, phys_fnm, phys_lnm, phys_npi) VALUES (?, 'Contract', 'Doctor', ?)",
                    id, String.format("8%09d", id));
            for (String st : states) {
                Sql.update(c, "INSERT INTO phys_lic (phys_id, lic_st, lic_no, lic_exp_dt) VALUES (?, ?, ?, ?)",
                        id, st, st + "-" + id, expiresOn);
            }
            return 0;
        });
    }

    private void run(Transactions.Work<Integer> work) {
        try {
            Transactions.inTransaction(ds, work);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

}
