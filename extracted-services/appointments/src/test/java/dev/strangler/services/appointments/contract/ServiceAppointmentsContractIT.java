package dev.strangler.services.appointments.contract;

import dev.strangler.embedded.LocalPostgres;
import dev.strangler.sample.http.Sql;
import dev.strangler.sample.http.Transactions;
import dev.strangler.sample.http.testing.TestHttp;
import dev.strangler.services.appointments.AppointmentsApp;
import dev.strangler.services.appointments.AppointmentsConfig;
import java.sql.SQLException;
import java.time.LocalDate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The appointment contract against the extracted service, its replica tables seeded directly. */
class ServiceAppointmentsContractIT extends AppointmentsContract {

    private LocalPostgres pg;
    private DataSource ds;
    private AppointmentsApp app;
    private TestHttp http;

    @BeforeAll
    void start() {
        pg = LocalPostgres.start();
        ds = pg.dataSource("appointments", 20);
        app = AppointmentsApp.start(AppointmentsConfig.builder(ds).clock(CLOCK).build());
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
        run(c -> Sql.update(c, "INSERT INTO patient_jurisdictions (patient_id, state) VALUES (?, ?)", id, state));
    }

    @Override
    protected void givenPhysician(long id, LocalDate expiresOn, String... states) {
        run(c -> {
            Sql.update(c, "INSERT INTO physicians (physician_id) VALUES (?)", id);
            for (String st : states) {
                Sql.update(c, "INSERT INTO physician_licences (physician_id, state, expires_on) VALUES (?, ?, ?)",
                        id, st, expiresOn);
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
