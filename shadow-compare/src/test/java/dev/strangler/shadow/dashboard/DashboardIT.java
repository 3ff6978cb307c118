package dev.strangler.shadow.dashboard;

import dev.strangler.shadow.testing.HeadlessChromium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.strangler.embedded.LocalPostgres;
import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.ShadowComparator;
import dev.strangler.shadow.ShadowExchange;
import dev.strangler.shadow.ShadowOutcome;
import dev.strangler.shadow.ShadowResponse;
import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.noise.NoiseRule;
import dev.strangler.shadow.redact.RedactionConfig;
import dev.strangler.shadow.store.DiffQueries;
import dev.strangler.shadow.store.DiffStore;
import dev.strangler.shadow.store.DiffStoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Drives the dashboard in headless Chromium against a live server whose data comes from real
 * comparisons in a real embedded PostgreSQL diff store.
 */
class DashboardIT {

    private static LocalPostgres pg;
    private static DiffStore store;
    private static ShadowComparator comparator;
    private static DashboardServer server;
    private static DataSource ds;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.start();
        pg.createDatabase("dashboard");
        ds = pg.dataSource("dashboard");
        Clock clock = Clock.systemUTC();
        store = new DiffStore(ds, DiffStoreConfig.defaults().withFlushInterval(Duration.ofMillis(200)), clock,
                new SimpleMeterRegistry());
        comparator = ShadowComparator.builder().meters(new SimpleMeterRegistry()).sink(store).clock(clock)
                .redaction(RedactionConfig.builder().hmacKey("dashboard-it-key-0123456789").build())
                .routes(List.of(ShadowRouteConfig.builder("appointments").headers(List.of("content-type", "date")).build()))
                .build();
        for (int i = 0; i < 40; i++) {
            comparator.submit(exchange(i));
        }
        comparator.submit(ShadowExchange.builder("appointments").primary(json("{}", "d")).shadowFailed(ShadowOutcome.TIMEOUT).build());
        RouteStatsProvider stats = () -> List.of(new RouteStats("appointments", 2500, 0.24, 0.004,
                Map.of("legacy", 41.25, "target", 12.5)));
        server = new DashboardServer(new Dashboard(new DiffQueries(ds, new NoiseRule(2.0, 0.05)), stats, clock));
        DiffQueries queries = new DiffQueries(ds, new NoiseRule(2.0, 0.05));
        dev.strangler.shadow.Await.await(Duration.ofSeconds(20),
                () -> queries.report("appointments", clock.instant().minusSeconds(3600), 10).comparisons() == 40
                        && !queries.examples("appointments", "/status", 1).isEmpty());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (comparator != null) {
            comparator.close();
        }
        if (store != null) {
            store.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static ShadowResponse json(String body, String date) {
        return ShadowResponse.of(200, HttpHeaders.builder().add("Content-Type", "application/json").add("Date", date).build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static ShadowExchange exchange(int i) {
        String body = "{\"id\":%d,\"patient\":{\"name\":\"Jane Doe\",\"email\":\"jane@example.com\"},\"status\":\"%s\",\"at\":%d}";
        return ShadowExchange.builder("appointments").request("GET", "/appointments/" + i, "")
                .primary(json(String.format(body, i, "BOOKED", i), "t" + i))
                .secondPrimary(i % 2 == 0 ? json(String.format(body, i, "BOOKED", i + 1), "t" + i + "b") : null)
                .shadow(json(String.format(body, i, i % 4 == 0 ? "CANCELLED" : "BOOKED", i + 2), "t" + i + "c"))
                .build();
    }

    @Test
    void pageShowsFiguresFieldsNoiseAndHighlightedRedactedExamples() throws Exception {
        String binary = HeadlessChromium.binary();
        if (binary == null) {
            System.err.println("DashboardIT skipped: no chromium binary (apt-get install -y chromium; .ci/run installs it)");
        }
        assumeTrue(binary != null, "no chromium binary found");

        String dom = HeadlessChromium.run(binary, 5000, "--dump-dom", server.url("/dashboard"));

        assertThat(dom).contains("data-rendered=");
        assertThat(dom).contains("id=\"route-appointments\"");
        assertThat(dom).contains("25.00%");                           // weight from the proxy
        assertThat(dom).contains("data-backend=\"legacy\">41.3 ms", "data-backend=\"target\">12.5 ms");
        assertThat(dom).contains("class=\"comparisons\">40<");
        assertThat(dom).contains("class=\"timeouts\">1<");
        assertThat(dom).contains("class=\"mismatch-ratio\">25.00%<");
        assertThat(dom).containsPattern("data-field=\"/status\"><td><code>/status</code></td><td class=\"count\">10<");
        assertThat(dom).containsPattern("<tr class=\"noise\"><td><code>/at</code>");
        assertThat(dom).containsPattern("<tr class=\"noise\"><td><code>header:date</code>");
        assertThat(dom).contains("data-points=\"1\"");                // the chart drew the bucket
        assertThat(dom).containsPattern("class=\"request-line\">GET /appointments/\\d+<");
        // Both panes highlight the differing path, and show hashed, not clear, patient data.
        assertThat(dom.split("class=\"line diff\" data-pointer=\"/status\"", -1)).hasSize(3);
        assertThat(dom).contains("class=\"line noise-diff\" data-pointer=\"/at\""); // noise shown apart
        assertThat(dom).contains("hmac:").doesNotContain("Jane Doe", "jane@example.com");

        // More traffic flows while the page is open; it refreshes itself (every 5 s) and shows it.
        for (int i = 40; i < 50; i++) {
            comparator.submit(exchange(i));
        }
        DiffQueries queries = new DiffQueries(ds, new NoiseRule(2.0, 0.05));
        dev.strangler.shadow.Await.await(Duration.ofSeconds(20), () -> queries.report("appointments",
                java.time.Instant.now().minusSeconds(3600), 10).comparisons() == 50);
        String later = HeadlessChromium.run(binary, 11_000, "--dump-dom", server.url("/dashboard"));
        assertThat(later).contains("class=\"comparisons\">50<");
        assertThat(later).containsPattern("data-rendered=\"[2-9]\""); // refreshed at least once by itself

        Path png = Path.of("target", "dashboard.png").toAbsolutePath();
        HeadlessChromium.run(binary, 5000, "--window-size=1300,1400", "--screenshot=" + png, server.url("/dashboard"));
        assertThat(png).exists();
    }

    @Test
    void apiAnswersBadRequestsWithSpecificMessages() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> badSince = client.send(HttpRequest.newBuilder(URI.create(server.url("/dashboard/api/overview?since=soon"))).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(server.url("/dashboard/api/evidence/424242"))).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(server.url("/dashboard/app.js"))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(badSince.statusCode()).isEqualTo(400);
        assertThat(badSince.body()).contains("duration: 'soon'");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("evidence 424242: not found");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).contains("javascript"));
        assertThat(page.body()).doesNotContain("http://", "https://"); // no CDN: works offline
    }
}
