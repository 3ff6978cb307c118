package dev.strangler.proxy;

import static dev.strangler.proxy.Fixture.get;
import static dev.strangler.proxy.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.proxy.routing.PathRewrite;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyRoutingIT {

    @TempDir
    Path state;
    TestBackend legacy;
    TestBackend target;
    ProxyServer proxy;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        legacy = TestBackend.start("monolith");
        target = TestBackend.start("appointments");
        proxy = ProxyServer.start(Fixture.config(state, legacy.port(), target.port(), 2000).build(), registry, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        proxy.close();
        legacy.close();
        target.close();
    }

    @Test
    void splitsRequestsWithoutKeyByWeight() throws Exception {
        int toTarget = 0;
        int n = 1000;
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = get(proxy.port(), "/api/appointments/" + i);
            assertThat(r.statusCode()).isEqualTo(200);
            if (r.headers().firstValue("X-Backend").orElseThrow().equals("appointments")) {
                toTarget++;
            }
        }
        // 20% target; binomial sd at n=1000 is ~1.3 percentage points, so 5 points is ~4 sd.
        assertThat(toTarget / (double) n).isBetween(0.15, 0.25);
        assertThat(get(proxy.port(), "/other").headers().firstValue("X-Backend")).hasValue("monolith");
    }

    @Test
    void keepsEachPatientOnOneBackendAndOnlyMovesThemForwardWhenWeightRises() throws Exception {
        Map<String, String> first = new HashMap<>();
        for (int p = 0; p < 100; p++) {
            String patient = "patient-" + p;
            for (int i = 0; i < 2; i++) {
                String backend = get(proxy.port(), "/api/appointments", "X-Patient-Id", patient)
                        .headers().firstValue("X-Backend").orElseThrow();
                assertThat(first.putIfAbsent(patient, backend)).isIn(null, backend);
            }
        }
        assertThat(first.values()).contains("monolith", "appointments");
        proxy.controller().setWeight("test", "appointments", 6000, "ramp");
        for (Map.Entry<String, String> e : first.entrySet()) {
            String now = get(proxy.port(), "/api/appointments", "X-Patient-Id", e.getKey()).headers()
                    .firstValue("X-Backend").orElseThrow();
            if (e.getValue().equals("appointments")) {
                assertThat(now).as("patient %s moved back", e.getKey()).isEqualTo("appointments");
            }
        }
    }

    @Test
    void setsForwardingHeadersKeepsTraceAndRequestIdAndStripsHopByHop() throws Exception {
        RawHttp.Reply reply = RawHttp.send(proxy.port(), "GET /x HTTP/1.1\r\nHost: example.test\r\n"
                + "X-Forwarded-For: 10.0.0.9\r\nConnection: close, X-Drop-Me\r\nX-Drop-Me: secret\r\n"
                + "Keep-Alive: timeout=5\r\nProxy-Authorization: Basic Zm9v\r\nTE: trailers\r\n"
                + "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
                + "X-Request-Id: req-123\r\n\r\n");
        assertThat(reply.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(reply.closed()).isTrue();
        JsonNode seen = Fixture.JSON.readTree(reply.text().substring(reply.text().indexOf("\r\n\r\n") + 4)).get("headers");
        assertThat(seen.path("x-forwarded-for").asText()).isEqualTo("10.0.0.9, 127.0.0.1");
        assertThat(seen.path("x-forwarded-proto").asText()).isEqualTo("http");
        assertThat(seen.path("x-forwarded-host").asText()).isEqualTo("example.test");
        assertThat(seen.path("x-request-id").asText()).isEqualTo("req-123");
        assertThat(seen.path("traceparent").asText()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(seen.has("x-drop-me")).isFalse();
        assertThat(seen.has("keep-alive")).isFalse();
        assertThat(seen.has("proxy-authorization")).isFalse();
        assertThat(seen.has("te")).isFalse();
        assertThat(seen.has("connection")).isFalse();
        // response side: hop-by-hop headers the backend named in Connection never reach the client
        assertThat(reply.text()).doesNotContain("X-Secret-Hop").doesNotContain("Keep-Alive");

        JsonNode generated = json(get(proxy.port(), "/y")).get("headers");
        assertThat(generated.path("x-request-id").asText()).matches("[0-9a-f]{32}");
    }

    @Test
    void reusesBackendConnectionsAcrossRequests() throws Exception {
        for (int i = 0; i < 50; i++) {
            assertThat(get(proxy.port(), "/reuse").statusCode()).isEqualTo(200);
        }
        // one client connection, sequential requests: the pool serves all 50 from very few connections
        assertThat(legacy.connections.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void passesChunkedResponsesHeadAndExpectContinue() throws Exception {
        HttpResponse<String> chunked = get(proxy.port(), "/chunked");
        assertThat(chunked.body()).isEqualTo("part0;part1;part2;");

        RawHttp.Reply head = RawHttp.send(proxy.port(), "HEAD /h HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(head.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(head.text()).endsWith("\r\n\r\n"); // headers only, no body bytes

        RawHttp.Reply cont = RawHttp.send(proxy.port(), "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                + "Expect: 100-continue\r\nConnection: close\r\n\r\nhello");
        assertThat(cont.text()).startsWith("HTTP/1.1 100 Continue\r\n");
        assertThat(cont.text()).contains("HTTP/1.1 200 OK").contains("\"bodyBytes\":5");
    }

    @Test
    void rewritesPathForTargetOnly() throws Exception {
        proxy.close();
        var cfg = Fixture.config(state, legacy.port(), target.port(), 0);
        ProxyConfig c = cfg.build();
        var routes = new java.util.ArrayList<Route>();
        routes.add(new Route("appts", RouteMatch.prefix("/api/appointments"), "monolith", "appointments", 10_000, null,
                new PathRewrite("/api/appointments", "/v2/appointments")));
        proxy = ProxyServer.start(new ProxyConfig(c.listen(), 1, c.admin(), c.backends(), routes, c.limits(), c.state(),
                c.shutdownGrace()), registry, Clock.systemUTC());
        assertThat(json(get(proxy.port(), "/api/appointments/5?x=1")).path("uri").asText()).isEqualTo("/v2/appointments/5?x=1");
    }

    @Test
    void countsRequestsByRouteBackendAndStatusClass() throws Exception {
        get(proxy.port(), "/other");
        get(proxy.port(), "/other");
        assertThat(registry.get("strangler.proxy.requests").tags("route", "rest", "backend", "monolith", "status", "2xx")
                .counter().count()).isEqualTo(2.0);
        assertThat(registry.get("strangler.proxy.latency").tags("route", "rest", "backend", "monolith").timer().count())
                .isEqualTo(2);
    }
}
