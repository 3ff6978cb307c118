package dev.strangler.cli.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.strangler.cli.CliRun;
import dev.strangler.cli.CliRun.Result;
import dev.strangler.proxy.ProxyConfig;
import dev.strangler.proxy.ProxyConfigLoader;
import dev.strangler.proxy.ProxyServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands against a real proxy ({@link ProxyServer} on ephemeral ports) with two
 * tiny real backends: the CLI's changes must show in where requests actually go, and in the audit log.
 */
class RoutingCommandsIT {
    private static final String OPERATOR_TOKEN = "it-operator-secret";
    private static final String VIEWER_TOKEN = "it-viewer-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private HttpServer legacy;
    private HttpServer target;
    private ProxyServer proxy;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        legacy = backend("legacy");
        target = backend("target");
        String yaml = """
                listen: 127.0.0.1:0
                threads: 1
                admin:
                  listen: 127.0.0.1:0
                  tokens:
                    oncall: %s
                    dashboard: { secret: %s, role: viewer }
                backends:
                  monolith: http://127.0.0.1:%d
                  appointments: http://127.0.0.1:%d
                routes:
                  - id: appointments
                    match: { pathPrefix: /api/appointments }
                    legacy: monolith
                    target: appointments
                    weightBps: 0
                  - id: everything-else
                    match: { pathPrefix: / }
                    legacy: monolith
                state:
                  dir: state
                shutdownGrace: 1s
                """.formatted(OPERATOR_TOKEN, VIEWER_TOKEN, legacy.getAddress().getPort(), target.getAddress().getPort());
        ProxyConfig config = ProxyConfigLoader.parse(new StringReader(yaml), "it.yaml", dir, name -> null);
        proxy = ProxyServer.start(config, new SimpleMeterRegistry(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        legacy.stop(0);
        target.stop(0);
    }

    private static HttpServer backend(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = name.getBytes(UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private CliRun cli(String token) {
        CliRun cli = new CliRun(dir.resolve("home")).env("STRANGLER_ADMIN_URL", "http://127.0.0.1:" + proxy.adminPort());
        return token == null ? cli : cli.env("STRANGLER_TOKEN", token);
    }

    /** Sends {@code n} requests through the proxy and counts the answers per backend. */
    private Map<String, Integer> traffic(int n) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.port() + "/api/appointments/" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            counts.merge(response.body(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void setWeightMovesTrafficAndRollbackBringsItBackWithAuditTrail() throws Exception {
        CliRun cli = cli(OPERATOR_TOKEN);
        assertThat(traffic(20)).containsExactly(Map.entry("legacy", 20));

        Result list = cli.run("routes", "list");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out().lines().toList()).containsExactly(
                "ID               MATCH               LEGACY    TARGET        WEIGHT  STICKY",
                "appointments     /api/appointments*  monolith  appointments  0%      -",
                "everything-else  /*                  monolith  -             0%      -",
                "route table version 1");

        Result up = cli.run("routes", "set-weight", "appointments", "100%", "--reason", "ramp to full");
        assertThat(up.exit()).as(up.toString()).isZero();
        assertThat(up.out()).startsWith("appointments: 0% -> 100% (route table version ");
        assertThat(traffic(20)).containsExactly(Map.entry("target", 20));

        Result show = cli.run("routes", "show", "appointments", "-o", "json");
        assertThat(show.exit()).as(show.toString()).isZero();
        assertThat(JSON.readTree(show.out()).path("weightBps").asInt()).isEqualTo(10_000);

        Result back = cli.run("rollback", "--all", "--reason", "IT rollback");
        assertThat(back.exit()).as(back.toString()).isZero();
        assertThat(back.out()).contains("appointments  100%    0%");
        assertThat(traffic(20)).containsExactly(Map.entry("legacy", 20));

        Result audit = cli.run("audit", "-o", "json");
        assertThat(audit.exit()).as(audit.toString()).isZero();
        JsonNode entries = JSON.readTree(audit.out()).path("entries");
        assertThat(entries).hasSizeGreaterThanOrEqualTo(2);
        JsonNode last = entries.get(entries.size() - 1);
        JsonNode before = entries.get(entries.size() - 2);
        assertThat(before.path("actor").asText()).isEqualTo("oncall");
        assertThat(before.path("action").asText()).isEqualTo("set-weight");
        assertThat(before.path("after").path("weightBps").asInt()).isEqualTo(10_000);
        assertThat(before.path("reason").asText()).isEqualTo("ramp to full");
        assertThat(last.path("action").asText()).startsWith("rollback");
        assertThat(last.path("reason").asText()).isEqualTo("IT rollback");
        Result table = cli.run("audit");
        assertThat(table.out()).contains("oncall").contains("ramp to full").contains("IT rollback");
    }

    @Test
    void realAdminApiErrorsReachTheOperatorAsOneLine() throws Exception {
        Result unknown = cli(OPERATOR_TOKEN).run("routes", "set-weight", "nope", "10%");
        Result wrongToken = cli("not-a-token").run("rollback", "appointments", "--reason", "x");
        Result viewer = cli(VIEWER_TOKEN).run("routes", "set-weight", "appointments", "10%");
        Result noTarget = cli(OPERATOR_TOKEN).run("routes", "set-weight", "everything-else", "10%");
        Result auditWithoutToken = cli(null).run("audit");

        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).hasLineCount(1).contains("nope").contains("(404)");
        assertThat(wrongToken.exit()).isEqualTo(1);
        assertThat(wrongToken.err()).startsWith("strangler: the admin API rejected the token (401)");
        assertThat(viewer.exit()).isEqualTo(1);
        assertThat(viewer.err()).hasLineCount(1).contains("(403)");
        assertThat(noTarget.exit()).isEqualTo(1);
        assertThat(noTarget.err()).hasLineCount(1).contains("(400)");
        assertThat(auditWithoutToken.exit()).isEqualTo(1);
        assertThat(auditWithoutToken.err()).contains("needs a token").contains("(401)");
        assertThat(traffic(5)).containsExactly(Map.entry("legacy", 5)); // nothing changed
    }

    @Test
    void auditShowsEntriesToolsWroteWithDetailsCompactlyAndFiltersByRoute() throws Exception {
        CliRun cli = cli(OPERATOR_TOKEN);
        assertThat(cli.run("routes", "set-weight", "appointments", "5%", "--reason", "by hand").exit()).isZero();
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.adminPort() + "/api/audit"))
                .header("Authorization", "Bearer " + OPERATOR_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"action":"ramp-gate-failed","route":"appointments","reason":"gate errorRatio failed",
                         "details":{"step":2,"gate":"errorRatio","value":0.31,"bound":0.01,
                                    "figures":{"target":{"requests":120,"errors":37},"legacy":{"requests":480,"errors":1}}}}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);

        Result table = cli.run("audit", "--route", "appointments");

        assertThat(table.exit()).as(table.toString()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).endsWith("REASON                  DETAILS");
        assertThat(lines.get(1)).contains("set-weight").endsWith("by hand                 -");
        assertThat(lines.get(2)).contains("ramp-gate-failed  appointments  5%      5%     gate errorRatio failed  "
                + "step=2 gate=errorRatio value=0.31 bound=0.01 figures={\"target\":{\"requests\":120,…");
        assertThat(lines.get(2).length() - lines.get(2).indexOf("step=2")).isEqualTo(80);
        Result json = cli.run("audit", "--route", "appointments", "-o", "json");
        JsonNode last = JSON.readTree(json.out()).path("entries").get(1);
        assertThat(last.path("seq").asLong()).isEqualTo(2);
        assertThat(last.path("details").path("figures").path("legacy").path("requests").asInt()).isEqualTo(480);
        Result other = cli.run("audit", "--route", "everything-else");
        assertThat(other.out()).isEqualTo("no audit entries\n");
    }
}
