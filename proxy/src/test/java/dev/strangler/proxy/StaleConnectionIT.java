package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backend that closes keep-alive connections the proxy has pooled: idempotent requests never notice. */
class StaleConnectionIT {

    @TempDir
    Path state;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private ProxyServer start(ControlledBackend legacy) {
        return ProxyServer.start(ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0)).threads(1).adminListen(new HostPort("127.0.0.1", 0))
                .backend("monolith", legacy.address())
                .route(new Route("rest", RouteMatch.prefix("/"), "monolith", null, 0, null, null))
                .state(StateConfig.in(state)).shutdownGrace(Duration.ofSeconds(1)).build(), registry, Clock.systemUTC());
    }

    private double stale() {
        Counter c = registry.find("strangler.proxy.fallbacks").tags("route", "rest", "reason", "stale_connection").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void idempotentRequestsOnStalePooledConnectionsAreRetriedOnceOnAFreshOne() throws Exception {
        try (ControlledBackend legacy = ControlledBackend.start("monolith"); ProxyServer proxy = start(legacy)) {
            legacy.dropReused = true; // every reused connection is closed by the backend as the request arrives
            int n = 50;
            for (int i = 0; i < n; i++) {
                String method = i % 3 == 0 ? "PUT" : "GET";
                Http1.Reply r = Http1.send(proxy.port(), method, "/items/" + i, method.equals("PUT") ? "{\"v\":" + i + "}" : null);
                assertThat(r.status()).as("request %d (%s): %s", i, method, r.body()).isEqualTo(200);
                assertThat(r.body()).contains("\"method\":\"" + method + "\"");
            }
            // One proxy I/O thread: the first request opens the connection, every later one finds it
            // pooled, loses it to the backend, and is retried on a fresh connection.
            assertThat(stale()).isEqualTo(n - 1);
            assertThat(legacy.answered.get()).isEqualTo(n);
        }
    }

    @Test
    void aPostOnAStaleConnectionIsNotReplayedAndSaysTheOutcomeIsUnknown() throws Exception {
        try (ControlledBackend legacy = ControlledBackend.start("monolith"); ProxyServer proxy = start(legacy)) {
            assertThat(Http1.get(proxy.port(), "/warm").status()).isEqualTo(200); // leaves a pooled connection
            legacy.dropReused = true;
            Http1.Reply r = Http1.send(proxy.port(), "POST", "/items", "{\"v\":1}");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.outcomeUnknown()).isTrue();
            assertThat(r.body()).contains("closed the connection before answering");
            assertThat(stale()).isZero();
        }
    }

    @Test
    void backendClosingIdleConnectionsBetweenRequestsCausesNoClientError() throws Exception {
        try (ControlledBackend legacy = ControlledBackend.start("monolith"); ProxyServer proxy = start(legacy)) {
            for (int i = 0; i < 20; i++) {
                assertThat(Http1.get(proxy.port(), "/a/" + i).status()).isEqualTo(200);
                legacy.kill(); // closes every connection, pooled ones included, then listens again
                legacy.restart();
            }
        }
    }
}
