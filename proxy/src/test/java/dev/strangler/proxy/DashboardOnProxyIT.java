package dev.strangler.proxy;

import dev.strangler.shadow.testing.HeadlessChromium;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.noise.NoiseRule;
import dev.strangler.shadow.store.DiffQueries;
import dev.strangler.shadow.store.RouteReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SRE dashboard served by a LIVE proxy's admin port, fed by traffic the proxy really mirrored:
 * headless Chromium renders it and we check what it shows.
 */
class DashboardOnProxyIT {

    private static LocalPostgres pg;
    private static ScriptedBackend legacy;
    private static ScriptedBackend target;
    private static ProxyServer proxy;
    private static DiffQueries queries;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.start();
        pg.createDatabase("dashboard_proxy");
        queries = new DiffQueries(pg.dataSource("dashboard_proxy"), new NoiseRule(2.0, 0.05));
        legacy = new ScriptedBackend()
                .on("/api/appointments/same", 200, "{\"id\":1,\"status\":\"BOOKED\"}", Duration.ZERO)
                .on("/api/appointments/diff", 200, "{\"id\":2,\"status\":\"BOOKED\"}", Duration.ZERO);
        target = new ScriptedBackend()
                .on("/api/appointments/same", 200, "{\"id\":1,\"status\":\"BOOKED\"}", Duration.ZERO)
                .on("/api/appointments/diff", 200, "{\"id\":2,\"status\":\"CANCELLED\"}", Duration.ZERO);
        ProxyConfig config = ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0)).threads(1).adminListen(new HostPort("127.0.0.1", 0))
                .backend("monolith", new HostPort("127.0.0.1", legacy.port()))
                .backend("appointments", new HostPort("127.0.0.1", target.port()))
                .route(new Route("appointments", RouteMatch.prefix("/api/appointments"), "monolith", "appointments", 2500,
                        null, null))
                .state(StateConfig.in(Files.createTempDirectory("dashboard-proxy"))).shutdownGrace(Duration.ofSeconds(2))
                .mirror(MirrorConfig.of(pg.jdbcUrl("dashboard_proxy"), "dashboard-proxy-key-01234",
                        List.of(ShadowRouteConfig.builder("appointments").noiseSampleRate(0).build())))
                .build();
        proxy = ProxyServer.start(config, new SimpleMeterRegistry(), Clock.systemUTC());
        for (int i = 0; i < 40; i++) {
            assertThat(Fixture.get(proxy.port(), "/api/appointments/" + (i % 4 == 0 ? "diff/" : "same/") + i).statusCode())
                    .isEqualTo(200);
        }
        // primary: either (the default): at 25 % each request is copied to the side the client did not get
        Await.await(Duration.ofSeconds(30), () -> report().comparisons() == 40
                && report().mismatches() > 0 && !queries.examples("appointments", "/status", 1).isEmpty());
        assertThat(legacy.received).as("copies of what the service answered")
                .anySatisfy(r -> assertThat(r.header("X-Strangler-Shadow")).isEqualTo("1"));
        assertThat(target.received).as("copies of what the monolith answered")
                .anySatisfy(r -> assertThat(r.header("X-Strangler-Shadow")).isEqualTo("1"));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        legacy.close();
        target.close();
        pg.close();
    }

    private static RouteReport report() {
        return queries.report("appointments", Instant.now().minusSeconds(3600), 10);
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + proxy.adminPort() + path;
    }

    @Test
    void chromiumShowsTheRouteCardMatchRateProxyFiguresAndTheDifferingField() throws Exception {
        String binary = HeadlessChromium.binary();
        if (binary == null) {
            System.err.println("DashboardOnProxyIT skipped: no chromium binary (apt-get install -y chromium; .ci/run installs it)");
        }
        assumeTrue(binary != null, "no chromium binary found");
        RouteReport rep = report();

        String dom = HeadlessChromium.run(binary, 5000, "--dump-dom", url("/dashboard"));

        assertThat(dom).contains("data-rendered=");
        assertThat(dom).contains("id=\"route-appointments\"");
        assertThat(dom).contains("25.00%"); // the route's weight, from the proxy's live route table
        assertThat(dom).contains("data-backend=\"monolith\">", "data-backend=\"appointments\">"); // p99 per backend
        assertThat(dom).contains("class=\"comparisons\">" + rep.comparisons() + "<");
        assertThat(dom).contains("class=\"match-rate\">"
                + String.format(Locale.ROOT, "%.2f%%", 100.0 * rep.matches() / rep.comparisons()) + "<");
        assertThat(dom).containsPattern("data-field=\"/status\"><td><code>/status</code></td><td class=\"count\">"
                + rep.mismatches() + "<");
        assertThat(dom).containsPattern("class=\"request-line\">GET /api/appointments/diff/\\d+<");
        assertThat(dom).contains("class=\"line diff\" data-pointer=\"/status\"");

        Path png = Path.of("target", "dashboard-proxy.png").toAbsolutePath();
        HeadlessChromium.run(binary, 5000, "--window-size=1300,1400", "--screenshot=" + png, url("/dashboard"));
        assertThat(png).exists();
    }

    @Test
    void adminPortAnswersTheDashboardApiWithProxyFigures() throws Exception {
        JsonNode overview = Fixture.json(Fixture.get(proxy.adminPort(), "/dashboard/api/overview?since=1h"));
        JsonNode card = overview.path("routes").get(0);

        assertThat(card.path("route").asText()).isEqualTo("appointments");
        assertThat(card.path("stats").path("weightBps").asInt()).isEqualTo(2500);
        assertThat(card.path("stats").path("targetShare").asDouble()).isBetween(0.01, 0.99); // the real split
        assertThat(card.path("stats").path("errorRate").asDouble()).isZero();
        assertThat(card.path("stats").path("p99MillisByBackend").path("monolith").asDouble()).isPositive();
        assertThat(card.path("report").path("comparisons").asLong()).isEqualTo(report().comparisons());
        assertThat(Fixture.get(proxy.adminPort(), "/dashboard/api/evidence/999999").statusCode()).isEqualTo(404);
        assertThat(Fixture.send(proxy.adminPort(), "POST", "/dashboard", "").statusCode()).isEqualTo(405);
        assertThat(Fixture.get(proxy.adminPort(), "/dashboard/app.js").body()).doesNotContain("http://", "https://");
    }
}
