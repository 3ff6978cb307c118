package dev.strangler.proxy;

import static dev.strangler.proxy.Fixture.OPERATOR_SECRET;
import static dev.strangler.proxy.Fixture.json;
import static dev.strangler.proxy.Fixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Optimistic versions without a control plane: one proxy, weights in its state file. */
class RouteVersionIT {

    private static final String OPERATOR = "Bearer " + OPERATOR_SECRET;

    @TempDir
    Path state;

    @Test
    void staleExpectedVersionGets409WithTheCurrentRouteAndVersionsSurviveRestart() throws Exception {
        try (TestBackend legacy = TestBackend.start("monolith"); TestBackend target = TestBackend.start("appointments")) {
            ProxyConfig config = Fixture.config(state, legacy.port(), target.port(), 0).threads(1).build();
            long v;
            try (ProxyServer proxy = ProxyServer.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
                int admin = proxy.adminPort();
                v = json(send(admin, "GET", "/api/routes/appointments", null)).path("version").asLong();
                assertThat(v).isEqualTo(1);
                assertThat(json(send(admin, "GET", "/readyz", null)).has("controlPlane")).isFalse();

                var ok = send(admin, "PUT", "/api/routes/appointments/weight",
                        "{\"weightBps\":2500,\"expectedVersion\":1}", "Authorization", OPERATOR);
                assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
                assertThat(json(ok).path("route").path("version").asLong()).isEqualTo(2);

                var stale = send(admin, "PUT", "/api/routes/appointments/weight",
                        "{\"weightBps\":9000,\"expectedVersion\":1}", "Authorization", OPERATOR);
                assertThat(stale.statusCode()).isEqualTo(409);
                JsonNode body = json(stale);
                assertThat(body.path("error").asText()).isEqualTo("conflict");
                assertThat(body.path("message").asText()).isEqualTo("route 'appointments' is at version 2, not 1"
                        + " (someone changed it first; read it again and retry with the new version)");
                assertThat(body.path("route").path("weightBps").asInt()).isEqualTo(2500);
                assertThat(body.path("route").path("version").asLong()).isEqualTo(2);
                assertThat(proxy.routes().route("appointments").orElseThrow().weightBps()).isEqualTo(2500);

                var bad = send(admin, "PUT", "/api/routes/appointments/weight",
                        "{\"weightBps\":1,\"expectedVersion\":\"two\"}", "Authorization", OPERATOR);
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(json(bad).path("message").asText()).startsWith("expectedVersion: \"two\" (expected:");
                assertThat(json(send(admin, "GET", "/api/audit", null, "Authorization", OPERATOR)).path("entries"))
                        .hasSize(1);
            }
            try (ProxyServer again = ProxyServer.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
                assertThat(again.routes().routeVersion("appointments")).isEqualTo(2);
                assertThat(again.routes().route("appointments").orElseThrow().weightBps()).isEqualTo(2500);
            }
        }
    }
}
