package dev.strangler.services.video.contract;

import dev.strangler.embedded.LocalPostgres;
import dev.strangler.sample.http.Sql;
import dev.strangler.sample.http.Transactions;
import dev.strangler.sample.http.testing.TestHttp;
import dev.strangler.services.video.VideoSessionsApp;
import dev.strangler.services.video.VideoSessionsConfig;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The video contract against the extracted video-sessions service. */
class ServiceVideoSignallingIT extends VideoSignallingContract {

    private LocalPostgres pg;
    private DataSource ds;
    private VideoSessionsApp app;
    private TestHttp http;

    @BeforeAll
    void start() {
        pg = LocalPostgres.start();
        ds = pg.dataSource("video");
        app = VideoSessionsApp.start(VideoSessionsConfig.builder(ds).clock(clock).build());
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
    protected void givenAppointment(long id, String status) {
        try {
            Transactions.inTransaction(ds, c -> Sql.update(c,
                    "INSERT INTO appointment_statuses (appointment_id, status) VALUES (?, ?)", id, status));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
