package dev.strangler.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.cli.CliRun;
import dev.strangler.embedded.LocalPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCommandIT {

    @TempDir
    Path home;

    /* The --db path: each app on a database of an already running PostgreSQL. */
    @Test
    void startsEachAppOnItsDatabaseAndSeedsTheMonolith() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start()) {
            CliRun.Result monolith = new CliRun(home).run("sample", "monolith", "--db", pg.createDatabase("legacy").jdbcUrl("legacy"),
                    "--patients", "200", "--physicians", "10", "--once");
            CliRun.Result appointments = new CliRun(home).run("sample", "appointments", "--db",
                    pg.createDatabase("appointments").jdbcUrl("appointments"), "--once");
            CliRun.Result video = new CliRun(home).run("sample", "video-sessions", "--db",
                    pg.createDatabase("video").jdbcUrl("video"), "--port", "0", "--once");

            assertThat(monolith.exit()).as(monolith.toString()).isZero();
            assertThat(monolith.out()).contains("seeded 200 patients, 10 physicians")
                    .contains("monolith listening on http://127.0.0.1:");
            assertThat(appointments.exit()).as(appointments.toString()).isZero();
            assertThat(appointments.out()).contains("appointments listening on http://127.0.0.1:");
            assertThat(video.exit()).as(video.toString()).isZero();
            assertThat(video.out()).contains("video-sessions listening on http://127.0.0.1:");
        }
    }

    /* The embedded path: a service seeded from a monolith database in the same embedded server. */
    @Test
    void startsTheAppointmentsServiceOnEmbeddedPostgresWithImportedData() {
        CliRun.Result r = new CliRun(home).run("sample", "appointments", "--patients", "100", "--physicians", "5",
                "--once");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("imported \\d+ rows from a seeded monolith database")
                .contains("appointments listening on http://127.0.0.1:").contains("database: embedded PostgreSQL");
    }

    @Test
    void unknownAppIsAUsageError() {
        CliRun.Result r = new CliRun(home).run("sample", "billing", "--once");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("strangler: APP: 'billing' (expected: monolith, appointments or video-sessions)");
    }

    @Test
    void seedingAServiceOnAnExternalDatabaseIsRefused() {
        CliRun.Result r = new CliRun(home).run("sample", "appointments", "--db", "jdbc:postgresql://127.0.0.1:1/x",
                "--patients", "10", "--once");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--patients: appointments gets its data from the monolith by CDC");
    }

    @Test
    void unreachableDatabaseIsAOneLineFailure() {
        CliRun.Result r = new CliRun(home).run("sample", "monolith", "--db",
                "jdbc:postgresql://127.0.0.1:1/legacy?user=u&password=hunter2&connectTimeout=2", "--once");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("strangler: monolith: ").doesNotContain("hunter2");
    }
}
