package dev.strangler.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.embedded.LocalPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strangler cdc run --metrics-listen 127.0.0.1:0} as a real process: it prints the port it
 * bound, and {@code /metrics} serves the syncer's lag and row meters as Prometheus text once
 * changes stream.
 */
class CdcRunMetricsIT {

    private static final Pattern PORT = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final String TAGS = "{direction=\"forward\",slot=\"metrics_fwd\"}";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    Path dir;
    private Process process;
    private int port;

    @AfterEach
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void servesLagAndRowMetersOfTheRunningSyncer() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start()) {
            String legacy = pg.createDatabase("m_legacy").jdbcUrl("m_legacy");
            String fresh = pg.createDatabase("m_new").jdbcUrl("m_new");
            exec(legacy, "CREATE TABLE clinic (clinic_id int PRIMARY KEY, name text NOT NULL)");
            exec(fresh, "CREATE TABLE clinics (id int PRIMARY KEY, name text NOT NULL)");
            Path mapping = dir.resolve("clinics.yaml");
            Files.writeString(mapping, """
                    service: clinics
                    tables:
                      clinics:
                        from: clinic
                        key: {id: clinic_id}
                        columns:
                          name: name
                    """);
            Path output = dir.resolve("cdc-run.out");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-Duser.home=" + dir, "-cp", System.getProperty("java.class.path"), "dev.strangler.cli.Main",
                    "cdc", "run", "--legacy-db", legacy, "--new-db", fresh, "--mapping", mapping.toString(),
                    "--slot", "metrics_fwd", "--metrics-listen", "127.0.0.1:0")
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("STRANGLER_"));
            process = pb.start();

            await(Duration.ofSeconds(60), () -> PORT.matcher(read(output)).find(), "metrics line in the output", output);
            Matcher m = PORT.matcher(read(output));
            assertThat(m.find()).isTrue();
            port = Integer.parseInt(m.group(1));
            await(Duration.ofSeconds(60), () -> count(legacy, "SELECT count(*) FROM pg_replication_slots"
                    + " WHERE slot_name = 'metrics_fwd' AND active") == 1, "slot streaming", output);

            exec(legacy, "INSERT INTO clinic VALUES (1, 'North'); INSERT INTO clinic VALUES (2, 'South')");
            await(Duration.ofSeconds(30), () -> metrics(port).contains("strangler_cdc_rows_applied_total" + TAGS + " 2.0"),
                    "rows meter at 2", output);
            String body = metrics(port);
            assertThat(body).contains("# TYPE strangler_cdc_lag_seconds summary",
                    "strangler_cdc_lag_seconds_count" + TAGS, "strangler_cdc_lag_last_milliseconds" + TAGS,
                    "strangler_cdc_slot_retained_wal_bytes" + TAGS, "strangler_cdc_dlq_records_total" + TAGS + " 0.0");
            assertThat(body).doesNotContain("strangler_cdc_lag_seconds_count" + TAGS + " 0.0");
            assertThat(count(fresh, "SELECT count(*) FROM clinics")).isEqualTo(2);

            process.destroy(); // SIGTERM: the shutdown hook closes the syncer and the endpoint
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("process stops").isTrue();
            assertThat(read(output)).contains("CDC sync metrics_fwd stopped").doesNotContain(" ERROR ");
        }
    }

    private String metrics(int port) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("GET /metrics failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void await(Duration timeout, BooleanSupplier condition, String what, Path output) {
        dev.strangler.cli.Await.await(timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the syncer exited while waiting for " + what + "; output:\n" + read(output));
            }
            return condition.getAsBoolean();
        }, () -> "no " + what + " within " + timeout + "; output:\n" + read(output)
                + (port > 0 ? "\nmetrics:\n" + metrics(port).lines().filter(l -> l.startsWith("strangler_cdc"))
                        .collect(java.util.stream.Collectors.joining("\n")) : ""));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void exec(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
