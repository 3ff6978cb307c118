package dev.strangler.cli.command;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.cli.CliRun;
import dev.strangler.cli.CliRun.Result;
import dev.strangler.cli.FakeAdminApi;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strangler rollback} and {@code strangler audit} against a stand-in admin API. */
class RollbackAndAuditIT {
    private static FakeAdminApi api;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;
    private CliRun cli;

    @BeforeAll
    static void startApi() {
        api = new FakeAdminApi();
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    @BeforeEach
    void cli() {
        api.server().resetRequests();
        cli = new CliRun(home).env("STRANGLER_ADMIN_URL", api.url()).env("STRANGLER_TOKEN", FakeAdminApi.OPERATOR);
    }

    @Test
    void rollsBackOneRouteWithReason() {
        Result r = cli.run("rollback", "appointments", "--reason", "5xx spike");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().lines().toList()).containsExactly(
                "ROUTE         BEFORE  AFTER",
                "appointments  25%     0%",
                "closed 0 WebSocket sessions (route table version 9)");
        api.server().verify(postRequestedFor(urlEqualTo("/api/rollback"))
                .withHeader("Authorization", equalTo("Bearer " + FakeAdminApi.OPERATOR))
                .withRequestBody(equalToJson("{\"route\":\"appointments\",\"reason\":\"5xx spike\",\"force\":false}")));
    }

    @Test
    void rollbackOfOneRouteWithoutReasonWarnsButProceeds() {
        Result r = cli.run("rollback", "appointments");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEqualTo("strangler: warning: no --reason given; the audit log records an empty reason\n");
        api.server().verify(postRequestedFor(urlEqualTo("/api/rollback"))
                .withRequestBody(equalToJson("{\"route\":\"appointments\",\"force\":false}")));
    }

    @Test
    void rollsBackEverythingWithForce() throws Exception {
        Result r = cli.run("rollback", "--all", "--force", "--reason", "incident 4711", "--output", "json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.path("rolledBack")).hasSize(2);
        assertThat(doc.path("closedWebSockets").asInt()).isEqualTo(3);
        api.server().verify(postRequestedFor(urlEqualTo("/api/rollback"))
                .withRequestBody(equalToJson("{\"all\":true,\"reason\":\"incident 4711\",\"force\":true}")));
    }

    @Test
    void rollbackAllRequiresReason() {
        Result r = cli.run("rollback", "--all");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("strangler rollback: --all needs --reason \"...\" (rolling back every route"
                + " must say why, for the audit log) (see 'strangler rollback --help')\n");
        assertThat(api.server().getAllServeEvents()).isEmpty();
    }

    @Test
    void rollbackNeedsExactlyOneOfRouteOrAll() {
        Result none = cli.run("rollback", "--reason", "x");
        Result both = cli.run("rollback", "appointments", "--all", "--reason", "x");

        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("name a route or use --all");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("either a route id or --all, not both");
        assertThat(api.server().getAllServeEvents()).isEmpty();
    }

    @Test
    void rollbackOfUnknownRouteFails() {
        Result r = cli.run("rollback", "nope", "--reason", "x");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("strangler: route 'nope' not found (known: appointments, billing) (404)\n");
    }

    @Test
    void auditPrintsEntriesAsTable() {
        Result r = cli.run("audit", "--limit", "5");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                "TIME                      ACTOR   ACTION        ROUTE         BEFORE  AFTER  REASON",
                "2026-11-28T04:20:00.123Z  oncall  set-weight    appointments  0%      25%    ramp step 3",
                "2026-11-28T04:25:10.000Z  oncall  rollback-all  -             25%     0%     -");
        api.server().verify(getRequestedFor(urlEqualTo("/api/audit?limit=5"))
                .withHeader("Authorization", equalTo("Bearer " + FakeAdminApi.OPERATOR)));
    }

    @Test
    void auditDefaultsToTwentyEntriesAndPrintsJson() throws Exception {
        Result r = cli.run("audit", "-o", "json");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(JSON.readTree(r.out()).path("entries")).hasSize(2);
        api.server().verify(getRequestedFor(urlEqualTo("/api/audit?limit=20")));
    }

    @Test
    void auditWithoutTokenSaysHowToSetOne() {
        Result r = new CliRun(home).env("STRANGLER_ADMIN_URL", api.url()).run("audit");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("strangler: the admin API needs a token for GET /api/audit?limit=20 (401):"
                + " set STRANGLER_TOKEN or --token-file\n");
    }

    @Test
    void auditRejectsLimitOutOfRange() {
        Result r = cli.run("audit", "--limit", "0");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--limit 0 (expected: 1..10000)");
    }
}
