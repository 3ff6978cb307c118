package dev.strangler.cli.runbook;

import static dev.strangler.cli.Await.await;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cli.CliRun;
import dev.strangler.cli.demo.Demo;
import dev.strangler.cli.demo.DemoSettings;
import dev.strangler.shadow.store.DiffStore;
import dev.strangler.shadow.store.DiffStoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Follows the first-cutover and rollback runbooks to the letter against a live demo (embedded
 * PostgreSQL, monolith, appointments service, proxy, simulated patients): every
 * {@code strangler} command of their "Steps" (and then "Undo") sections runs in order through
 * the real command line, must exit 0, and leaves the state the runbook promises — weight and
 * audit trail, and real traffic moving to the new service and back.
 */
class RollbackRunbookIT {

    private static final String ROUTE = "appointments";
    private static final Pattern TARGET_2XX = Pattern.compile(
            "^strangler_proxy_requests_total\\{backend=\"appointments\",route=\"appointments\",status=\"2xx\"} (\\S+)$",
            Pattern.MULTILINE);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void cutoverThenRollbackRunbooksWorkStepByStepAgainstALiveDemo() throws Exception {
        try (Demo demo = Demo.start(new DemoSettings(0, 0, 20, 300, 40, null))) {
            String diffDb = createDiffStore(demo);
            Map<String, String> vars = Map.of("ROUTE", ROUTE, "INCIDENT", "INC-IT",
                    "ADMIN", demo.adminUrl().toString(), "PROXY_ADMINS", demo.adminUrl().toString(),
                    "STRANGLER_DIFF_DB", diffDb, "FWD_SLOT", "demo_fwd", "REV_SLOT", "demo_rev",
                    "STRANGLER_LEGACY_DB", demo.jdbcUrl("monolith"), "STRANGLER_NEW_DB", demo.jdbcUrl("appointments"),
                    "STRANGLER_CDC_MAPPING", demo.dataDir().resolve("appointments.yaml").toString());
            CliRun cli = new CliRun(home).env("STRANGLER_ADMIN_URL", demo.adminUrl().toString())
                    .env("STRANGLER_TOKEN", demo.adminToken());

            List<String> cutover = runSection(cli, "first-cutover.md", "Steps", vars);
            assertThat(cutover).as("shadow report step").anyMatch(out -> out.contains("route appointments (last 1h)"));
            assertThat(cutover).as("cdc status steps").anyMatch(out -> out.contains("slot        demo_fwd (forward)"))
                    .anyMatch(out -> out.contains("slot        demo_rev (reverse)"));
            assertThat(cutover).as("ownership step").anyMatch(ownerChanged("both", "new", "demo_fwd, demo_rev"));
            assertThat(cutover).as("ramp step: real CDC gates against the demo's syncer")
                    .anyMatch(out -> out.contains("| cdcLag ") && out.contains("| dlqGrowth 0 ≤ 0 ok")
                            && out.contains("ramp #") && out.contains("complete: 100% on appointments after 4 steps"));
            assertThat(weightBps(cli)).as("weight after the cutover runbook").isEqualTo(10_000);
            assertThat(auditReasons(cli)).containsSubsequence("INC-IT first canary", "INC-IT ramp 5%",
                    "INC-IT ramp 25%", "INC-IT ramp 50%", "INC-IT cutover complete");
            await(Duration.ofSeconds(30), () -> target2xx(demo) >= 5); // simulated patients now reach the new service

            List<String> rollback = runSection(cli, "rollback.md", "Steps", vars);
            assertThat(weightBps(cli)).as("weight after the rollback runbook").isZero();
            assertThat(rollback).anyMatch(ownerChanged("new", "both", "demo_fwd, demo_rev"))
                    .anyMatch(ownerChanged("both", "legacy", "demo_fwd, demo_rev"));
            assertThat(auditReasons(cli)).contains("INC-IT 5xx on target", "INC-IT rolling back everything",
                    "INC-IT sessions stuck on target");
            double afterRollback = target2xx(demo);
            long okBefore = demo.trafficCounts().ok();
            await(Duration.ofSeconds(30), () -> demo.trafficCounts().ok() >= okBefore + 20);
            assertThat(target2xx(demo)).as("requests answered by the new service after the rollback")
                    .isEqualTo(afterRollback);

            assertThat(runSection(cli, "rollback.md", "Undo", vars)).anyMatch(ownerChanged("legacy", "both", "demo_fwd"));
            assertThat(weightBps(cli)).as("weight after the rollback runbook's undo").isEqualTo(2_500);

            runSection(cli, "first-cutover.md", "Undo", vars);
            assertThat(weightBps(cli)).as("weight after the cutover runbook's undo").isZero();
            assertThat(demo.trafficCounts().serverErrors()).as("5xx seen by simulated patients").isZero();
            assertThat(demo.trafficCounts().failures()).as("failed requests of simulated patients").isZero();
        }
    }

    /** `cdc owner` output: the change, then the syncers it waited for confirming that they apply it. */
    private static java.util.function.Predicate<String> ownerChanged(String from, String to, String slots) {
        return out -> out.matches("appointments: owner " + from + " → " + to + " \\(audited\\)\n"
                + "applied by the syncers of " + slots + " after \\d+ ms\n");
    }

    /**
     * Runs every strangler command of one section in order; returns their outputs. Two
     * exceptions, both about timing rather than the runbook's text: {@code cdc verify} is not run
     * (its exit code depends on rows written during the comparison under live traffic; cdc-sync's
     * own ITs prove it), and before moving write ownership to the new service we wait for what the
     * runbook waits a day for — the reverse syncer having applied the service's writes.
     */
    private static List<String> runSection(CliRun cli, String runbook, String section, Map<String, String> vars) {
        List<RunbookCommands.Found> commands = RunbookCommands.in(RunbookCommands.RUNBOOKS.resolve(runbook), vars)
                .stream().filter(c -> c.section().equals(section)).toList();
        assertThat(commands).as("commands in %s, section %s", runbook, section).isNotEmpty();
        List<String> outputs = new ArrayList<>();
        for (RunbookCommands.Found c : commands) {
            assertThat(c.problems()).as(c.where()).isEmpty();
            if (c.args().size() >= 2 && c.args().subList(0, 2).equals(List.of("cdc", "verify"))) {
                continue;
            }
            List<String> args = c.args();
            if (args.get(0).equals("ramp")) {
                if (args.contains("--resume")) {
                    continue; // nothing was interrupted here; RampIT kills a ramp's JVM and resumes it
                }
                args = shortRamp(args);
            }
            if (c.args().size() >= 4 && c.args().subList(0, 2).equals(List.of("cdc", "owner")) && c.args().get(3).equals("new")) {
                await(Duration.ofSeconds(30), () -> !cli.run("cdc", "status", "--slot", vars.get("REV_SLOT"), "--direction",
                        "reverse", "--legacy-db", vars.get("STRANGLER_LEGACY_DB"), "--new-db", vars.get("STRANGLER_NEW_DB"),
                        "--mapping", vars.get("STRANGLER_CDC_MAPPING")).out().contains("position    -"));
            }
            CliRun.Result r = cli.run(args.toArray(String[]::new));
            assertThat(r.exit()).as("%s\n%s", c, r).isZero();
            outputs.add(r.out());
        }
        return outputs;
    }

    /**
     * The runbook's ramp with the runbook's gates, but 2 s holds instead of 15 minutes, checks every
     * 500 ms and few requests per step (the demo sends 20/s). The demo has no mirroring, so the
     * mismatch gate may pass on 0 comparisons; a p99 floor of 10 s keeps a loaded 2-core machine's
     * scheduling hiccups from deciding the test (RampIT tests the gates themselves).
     */
    private static List<String> shortRamp(List<String> args) {
        List<String> out = new ArrayList<>(args);
        int hold = out.indexOf("--hold");
        if (hold >= 0) {
            out.set(hold + 1, "2s");
        }
        out.addAll(List.of("--check-interval", "500ms", "--min-requests", "5", "--min-comparisons", "0", "--max-wait", "60s",
                "--p99-floor", "10s"));
        return out;
    }

    /**
     * A diff store in the demo's own PostgreSQL (one server instead of two keeps the test fast);
     * the store creates its schema, which `strangler shadow report` in the cutover runbook reads.
     */
    private static String createDiffStore(Demo demo) throws SQLException {
        try (Connection c = DriverManager.getConnection(demo.jdbcUrl("postgres")); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE diffs");
        }
        String url = demo.jdbcUrl("diffs");
        try (HikariDataSource ds = new HikariDataSource(hikari(url));
                DiffStore store = new DiffStore(ds, DiffStoreConfig.defaults(), Clock.systemUTC(), new SimpleMeterRegistry())) {
            store.flush().join(); // the writer thread is up and the schema is in place
        }
        return url;
    }

    private static HikariConfig hikari(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(2);
        return config;
    }

    private static int weightBps(CliRun cli) throws IOException {
        CliRun.Result r = cli.run("routes", "show", ROUTE, "-o", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        return JSON.readTree(r.out()).get("weightBps").asInt();
    }

    private static List<String> auditReasons(CliRun cli) throws IOException {
        CliRun.Result r = cli.run("audit", "--limit", "100", "-o", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> reasons = new ArrayList<>();
        for (JsonNode e : JSON.readTree(r.out()).get("entries")) {
            reasons.add(e.get("reason").asText());
        }
        return reasons;
    }

    /** The proxy's count of 2xx answers from the new service, from its Prometheus endpoint. */
    private double target2xx(Demo demo) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(demo.adminUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = TARGET_2XX.matcher(r.body());
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        } catch (IOException e) {
            throw new IllegalStateException("scraping " + demo.adminUrl() + "/metrics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

}
