package dev.strangler.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.cdc.admin.Ownership;
import dev.strangler.cli.CliRun;
import dev.strangler.cli.CliRun.Result;
import dev.strangler.cli.demo.Demo;
import dev.strangler.cli.demo.DemoSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ramp with the CDC gates and an ownership step against {@code strangler demo}: the sample
 * monolith and appointments service with simulated patients booking through the proxy and CDC
 * running both ways. Lag, dead-letter growth and {@code cdc verify} of the appointments table are
 * read from the demo's real syncers while the weight rises; the last step moves write ownership
 * exactly as {@code strangler cdc owner} does. The p99 gate is off here: with the demo's whole
 * stack on a loaded 2-core machine its p99 swings by seconds between windows of a few requests
 * (RampIT covers the metrics gates against steady backends).
 */
class RampDemoIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @Test
    void rampsWithCdcGatesAndMovesOwnershipInItsOwnStep() throws Exception {
        try (Demo demo = Demo.start(new DemoSettings(0, 0, 20, 300, 40, null))) {
            CliRun cli = new CliRun(home).env("STRANGLER_ADMIN_URL", demo.adminUrl().toString())
                    .env("STRANGLER_TOKEN", demo.adminToken());
            String newDb = demo.jdbcUrl("appointments");

            Result r = cli.run("ramp", "appointments", "--steps", "50,100,owner:appointments=new", "--hold", "3s",
                    "--check-interval", "500ms", "--min-requests", "5", "--max-wait", "60s", "--no-gate", "p99",
                    "--max-cdc-lag", "10s", "--max-dlq-growth", "0", "--verify-tables", "appointments", "--verify-every", "1s",
                    "--legacy-db", demo.jdbcUrl("monolith"), "--new-db", newDb, "--slot", "demo_fwd", "--reverse-slot", "demo_rev",
                    "--mapping", demo.dataDir().resolve("appointments.yaml").toString(), "--reason", "IT cutover");

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).contains("| cdcLag ", "| dlqGrowth 0 ≤ 0 ok", "| verify 0 ≤ 0 ok",
                    "step 3/3: owner:appointments=new (appointments at 100%)", "complete: 100% on appointments after 3 steps");
            assertThat(Ownership.owners(newDb)).containsEntry("appointments", Ownership.Owner.NEW);
            Result audit = cli.run("audit", "--route", "appointments", "-o", "json");
            List<String> actions = StreamSupport.stream(JSON.readTree(audit.out()).path("entries").spliterator(), false)
                    .map(e -> e.path("action").asText()).toList();
            // The ownership step changes no weight: three ramp-steps, two set-weights.
            assertThat(actions).containsExactly("ramp-start", "ramp-step", "set-weight", "ramp-step", "set-weight",
                    "ramp-step", "ramp-complete");
            JsonNode complete = JSON.readTree(audit.out()).path("entries").get(actions.size() - 1);
            assertThat(complete.path("details").path("gates").path("verify").path("state").asText()).isEqualTo("pass");
            assertThat(demo.trafficCounts().serverErrors()).as("5xx seen by simulated patients").isZero();
        }
    }
}
