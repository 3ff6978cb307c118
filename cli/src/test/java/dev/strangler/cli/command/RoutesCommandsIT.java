package dev.strangler.cli.command;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
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

/** {@code strangler routes list|show|set-weight} against a stand-in admin API. */
class RoutesCommandsIT {
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
    void listsRoutesAsAlignedTable() {
        Result r = cli.run("routes", "list");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().lines().toList()).containsExactly(
                "ID            MATCH                        LEGACY    TARGET        WEIGHT  STICKY",
                "appointments  /api/appointments* GET,POST  monolith  appointments  25%     header X-Patient-Id",
                "billing       /api/billing/{id}            monolith  -             0%      -",
                "route table version 7");
    }

    @Test
    void listsRoutesAsTheServersJson() throws Exception {
        Result r = cli.run("routes", "list", "--output", "json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.path("version").asInt()).isEqualTo(7);
        assertThat(doc.path("routes")).hasSize(2);
        assertThat(doc.path("routes").get(0)).isEqualTo(JSON.readTree(FakeAdminApi.APPOINTMENTS));
        assertThat(r.out()).contains("\n  \"routes\""); // pretty-printed for people piping to less
    }

    @Test
    void showsOneRouteInFull() {
        Result r = cli.run("routes", "show", "appointments");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                "FIELD    VALUE",
                "id       appointments",
                "match    /api/appointments* GET,POST",
                "legacy   monolith",
                "target   appointments",
                "weight   25% (2500 bps)",
                "sticky   header X-Patient-Id",
                "rewrite  /api/appointments -> /v2/appointments");
    }

    @Test
    void showOfUnknownRouteFailsWithTheServersMessage() {
        Result r = cli.run("routes", "show", "nope");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("strangler: route 'nope' not found (known: appointments, billing) (404)\n");
    }

    @Test
    void setWeightSendsBasisPointsReasonAndToken() {
        Result r = cli.run("routes", "set-weight", "appointments", "12.5%", "--reason", "ramp step 3");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("appointments: 25% -> 12.5% (route table version 8)\n");
        api.server().verify(putRequestedFor(urlEqualTo("/api/routes/appointments/weight"))
                .withHeader("Authorization", equalTo("Bearer " + FakeAdminApi.OPERATOR))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"weightBps\":1250,\"reason\":\"ramp step 3\"}")));
    }

    @Test
    void setWeightAcceptsPercentAndBasisPointForms() {
        String[][] forms = {{"25%", "2500"}, {"2500bps", "2500"}, {"0.01%", "1"}, {"100%", "10000"}, {"0%", "0"},
                {"10000BPS", "10000"}};
        for (String[] form : forms) {
            api.server().resetRequests();
            Result r = cli.run("routes", "set-weight", "appointments", form[0]);
            assertThat(r.exit()).as(form[0] + ": " + r).isZero();
            api.server().verify(1, putRequestedFor(urlEqualTo("/api/routes/appointments/weight"))
                    .withRequestBody(equalToJson("{\"weightBps\":" + form[1] + "}")));
        }
    }

    @Test
    void setWeightRejectsBadValuesAsUsageWithoutCallingTheProxy() {
        for (String bad : new String[] {"25", "101%", "-1%", "12.345%", "abc%", "10001bps", "2.5bps", "half"}) {
            Result r = cli.run("routes", "set-weight", "appointments", bad);
            assertThat(r.exit()).as(bad + ": " + r).isEqualTo(2);
            assertThat(r.err().lines()).as(bad).hasSize(1);
            assertThat(r.err()).as(bad).contains("weight '" + bad + "'")
                    .contains("25%").contains("2500bps").contains("strangler routes set-weight --help");
        }
        assertThat(api.server().getAllServeEvents()).isEmpty();
    }

    @Test
    void setWeightJsonOutputIsTheServersAnswer() throws Exception {
        Result r = cli.run("routes", "set-weight", "appointments", "12.5%", "-o", "json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.path("previousWeightBps").asInt()).isEqualTo(2500);
        assertThat(doc.path("route").path("weightBps").asInt()).isEqualTo(1250);
        assertThat(doc.path("version").asInt()).isEqualTo(8);
    }

    @Test
    void setWeightOnRouteWithoutTargetShowsThe400Message() {
        Result r = cli.run("routes", "set-weight", "billing", "10%");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("strangler: the admin API rejected PUT /api/routes/billing/weight (400): "
                + "route 'billing' has no target: weightBps must be 0 (declare a target first)\n");
    }

    @Test
    void setWeightOnUnknownRouteFailsWith404Message() {
        Result r = cli.run("routes", "set-weight", "nope", "10%");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("route 'nope' not found (known: appointments, billing)");
    }

    @Test
    void routesWithoutSubcommandIsUsage() {
        Result r = cli.run("routes");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("missing subcommand (expected: list, show or set-weight)");
    }
}
