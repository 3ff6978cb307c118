package dev.strangler.proxy;

import static dev.strangler.proxy.Fixture.OPERATOR_SECRET;
import static dev.strangler.proxy.Fixture.VIEWER_SECRET;
import static dev.strangler.proxy.Fixture.json;
import static dev.strangler.proxy.Fixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminApiIT {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T04:20:00Z"), ZoneOffset.UTC);
    private static final String OPERATOR = "Bearer " + OPERATOR_SECRET;

    @TempDir
    Path state;
    TestBackend legacy;
    TestBackend target;
    ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        legacy = TestBackend.start("monolith");
        target = TestBackend.start("appointments");
        proxy = startProxy();
    }

    private ProxyServer startProxy() {
        return ProxyServer.start(Fixture.config(state, legacy.port(), target.port(), 0).build(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), CLOCK);
    }

    @AfterEach
    void stop() {
        proxy.close();
        legacy.close();
        target.close();
    }

    private int admin() {
        return proxy.adminPort();
    }

    @Test
    void listsAndShowsRoutesPerContract() throws Exception {
        JsonNode all = json(send(admin(), "GET", "/api/routes", null));
        assertThat(all.path("version").asLong()).isEqualTo(1);
        assertThat(all.path("routes")).hasSize(2);
        JsonNode r = json(send(admin(), "GET", "/api/routes/appointments", null));
        assertThat(r.path("legacy").asText()).isEqualTo("monolith");
        assertThat(r.path("target").asText()).isEqualTo("appointments");
        assertThat(r.path("sticky").path("header").asText()).isEqualTo("X-Patient-Id");
        assertThat(r.path("match").path("pathPrefix").asText()).isEqualTo("/api/appointments");
        assertThat(r.path("rewrite").isNull()).isTrue();

        var missing = send(admin(), "GET", "/api/routes/nope", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).path("error").asText()).isEqualTo("not_found");
        assertThat(json(missing).path("message").asText()).isEqualTo("route 'nope' not found (known: appointments, rest)");
    }

    @Test
    void mutationsNeedAnOperatorToken() throws Exception {
        String body = "{\"weightBps\":2500,\"reason\":\"ramp\"}";
        var none = send(admin(), "PUT", "/api/routes/appointments/weight", body);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(json(none).path("error").asText()).isEqualTo("unauthorized");
        var wrong = send(admin(), "PUT", "/api/routes/appointments/weight", body, "Authorization", "Bearer guess");
        assertThat(wrong.statusCode()).isEqualTo(401);
        var viewer = send(admin(), "POST", "/api/rollback", "{\"all\":true}", "Authorization", "Bearer " + VIEWER_SECRET);
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(json(viewer).path("error").asText()).isEqualTo("forbidden");
        assertThat(send(admin(), "GET", "/api/audit", null).statusCode()).isEqualTo(401);
        assertThat(proxy.routes().route("appointments").orElseThrow().weightBps()).isZero();
    }

    @Test
    void setsWeightRollsBackAndAuditsEveryChange() throws Exception {
        var set = send(admin(), "PUT", "/api/routes/appointments/weight", "{\"weightBps\":2500,\"reason\":\"ramp step 3\"}",
                "Authorization", OPERATOR);
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(json(set).path("previousWeightBps").asInt()).isZero();
        assertThat(json(set).path("version").asLong()).isEqualTo(2);
        assertThat(json(set).path("route").path("weightBps").asInt()).isEqualTo(2500);
        assertThat(proxy.routes().route("appointments").orElseThrow().weightBps()).isEqualTo(2500);

        var rb = send(admin(), "POST", "/api/rollback", "{\"route\":\"appointments\",\"reason\":\"errors\"}", "Authorization", OPERATOR);
        assertThat(rb.statusCode()).isEqualTo(200);
        assertThat(json(rb).path("rolledBack").get(0).path("previousWeightBps").asInt()).isEqualTo(2500);
        assertThat(json(rb).path("closedWebSockets").asInt()).isZero();
        assertThat(json(rb).path("version").asLong()).isEqualTo(3);

        var all = send(admin(), "POST", "/api/rollback", "{\"all\":true,\"reason\":\"drill\"}", "Authorization", OPERATOR);
        assertThat(json(all).path("rolledBack")).hasSize(1); // only routes with a target

        JsonNode audit = json(send(admin(), "GET", "/api/audit?limit=10", null, "Authorization", "Bearer " + VIEWER_SECRET));
        List<String> actions = audit.path("entries").findValuesAsText("action");
        assertThat(actions).containsExactly("set-weight", "rollback", "rollback-all");
        JsonNode first = audit.path("entries").get(0);
        assertThat(first.path("actor").asText()).isEqualTo("oncall");
        assertThat(first.path("time").asText()).isEqualTo("2026-11-28T04:20:00Z");
        assertThat(first.path("before").path("weightBps").asInt()).isZero();
        assertThat(first.path("after").path("weightBps").asInt()).isEqualTo(2500);
        assertThat(first.path("reason").asText()).isEqualTo("ramp step 3");
        assertThat(Files.readAllLines(state.resolve("audit.jsonl"))).hasSize(3);
    }

    @Test
    void rejectsBadWeightsAndBodies() throws Exception {
        var high = send(admin(), "PUT", "/api/routes/appointments/weight", "{\"weightBps\":12000}", "Authorization", OPERATOR);
        assertThat(high.statusCode()).isEqualTo(400);
        assertThat(json(high).path("message").asText()).isEqualTo("weightBps: 12000 (expected: 0..10000)");
        var text = send(admin(), "PUT", "/api/routes/appointments/weight", "{\"weightBps\":\"lots\"}", "Authorization", OPERATOR);
        assertThat(json(text).path("error").asText()).isEqualTo("bad_request");
        var noTarget = send(admin(), "PUT", "/api/routes/rest/weight", "{\"weightBps\":10}", "Authorization", OPERATOR);
        assertThat(noTarget.statusCode()).isEqualTo(400);
        var unknown = send(admin(), "PUT", "/api/routes/nope/weight", "{\"weightBps\":10}", "Authorization", OPERATOR);
        assertThat(unknown.statusCode()).isEqualTo(404);
        var garbage = send(admin(), "POST", "/api/rollback", "{not json", "Authorization", OPERATOR);
        assertThat(garbage.statusCode()).isEqualTo(400);
        var neither = send(admin(), "POST", "/api/rollback", "{\"reason\":\"x\"}", "Authorization", OPERATOR);
        assertThat(neither.statusCode()).isEqualTo(400);
        assertThat(json(send(admin(), "GET", "/api/audit", null, "Authorization", OPERATOR)).path("entries")).isEmpty();
    }

    @Test
    void weightSurvivesRestart() throws Exception {
        send(admin(), "PUT", "/api/routes/appointments/weight", "{\"weightBps\":4200}", "Authorization", OPERATOR);
        proxy.close();
        proxy = startProxy();
        assertThat(proxy.routes().route("appointments").orElseThrow().weightBps()).isEqualTo(4200);
        assertThat(json(send(admin(), "GET", "/api/routes/appointments", null)).path("weightBps").asInt()).isEqualTo(4200);
    }

    @Test
    void servesHealthReadinessAndPrometheusMetrics() throws Exception {
        assertThat(json(send(admin(), "GET", "/healthz", null)).path("status").asText()).isEqualTo("ok");
        assertThat(json(send(admin(), "GET", "/readyz", null)).path("status").asText()).isEqualTo("ready");
        Fixture.get(proxy.port(), "/anything");
        var metrics = send(admin(), "GET", "/metrics", null);
        assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(metrics.body())
                .contains("strangler_proxy_requests_total{backend=\"monolith\",route=\"rest\",status=\"2xx\"} 1.0")
                .contains("strangler_proxy_latency_seconds_bucket")
                .contains("strangler_proxy_latency_seconds_bucket{backend=\"monolith\",route=\"rest\",le=\"+Inf\"} 1")
                .contains("strangler_proxy_connections_active")
                .contains("strangler_proxy_bytes_total");
    }
}
