package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.proxy.backend.HealthCheckConfig;
import dev.strangler.proxy.backend.OutlierConfig;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backend of three endpoints: balancing, ejection, health checks, recovery, admin API. */
class EndpointGroupIT {

    @TempDir
    Path state;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<ControlledBackend> eps = new ArrayList<>();
    ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        for (int i = 0; i < 3; i++) {
            eps.add(ControlledBackend.start("monolith-" + i));
        }
        BackendConfig monolith = new BackendConfig("monolith", eps.get(0).address())
                .withEndpoints(eps.stream().map(ControlledBackend::address).toList())
                .withOutlier(new OutlierConfig(3, Duration.ofSeconds(1), Duration.ofSeconds(4)))
                .withHealthCheck(new HealthCheckConfig("/healthz", Duration.ofMillis(200), Duration.ofMillis(500), 2, 2));
        proxy = ProxyServer.start(ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0)).threads(2).adminListen(new HostPort("127.0.0.1", 0))
                .token(new AdminToken("oncall", Fixture.OPERATOR_SECRET, AdminToken.Role.OPERATOR))
                .token(new AdminToken("dashboard", Fixture.VIEWER_SECRET, AdminToken.Role.VIEWER))
                .backend(monolith)
                .route(new Route("rest", RouteMatch.prefix("/"), "monolith", null, 0, null, null))
                .state(StateConfig.in(state)).shutdownGrace(Duration.ofSeconds(1)).build(), registry, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        proxy.close();
        eps.forEach(ControlledBackend::close);
    }

    private JsonNode endpoint(String key) throws Exception {
        JsonNode all = Fixture.json(Fixture.get(proxy.adminPort(), "/api/backends"));
        for (JsonNode e : all.path("backends").get(0).path("endpoints")) {
            if (e.path("address").asText().equals(key)) {
                return e;
            }
        }
        return null;
    }

    private String stateOf(ControlledBackend b) {
        try {
            JsonNode e = endpoint(b.address().toString());
            return e == null ? "absent" : e.path("state").asText();
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void oneOfThreeEndpointsKilledUnderLoadIsEjectedWithoutFailedGetsAndRejoinsAfterRecovery() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        Queue<String> failed = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            workers.add(pool.submit(() -> {
                for (int n = 0; running.get(); n++) {
                    try {
                        Http1.Reply r = Http1.get(proxy.port(), "/api/things/" + n);
                        if (r.status() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failed.add(r.status() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failed.add(e.toString());
                    }
                }
            }));
        }
        ControlledBackend victim = eps.get(1);
        Await.await(Duration.ofSeconds(30), () -> ok.get() >= 300);
        assertThat(eps).allSatisfy(e -> assertThat(e.answered.get()).as(e.name).isPositive());
        victim.kill();
        int atKill = ok.get();
        Await.await(Duration.ofSeconds(30), () -> ok.get() >= atKill + 600);
        assertThat(stateOf(victim)).isIn("ejected", "unhealthy");
        int others = eps.get(0).answered.get() + eps.get(2).answered.get();
        Await.await(Duration.ofSeconds(30), () -> eps.get(0).answered.get() + eps.get(2).answered.get() >= others + 200);

        victim.restart();
        int victimBefore = victim.answered.get();
        Await.await(Duration.ofSeconds(30), () -> stateOf(victim).equals("healthy") && victim.answered.get() > victimBefore + 20);
        running.set(false);
        for (Future<?> w : workers) {
            w.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(failed).as("failed GETs").isEmpty();
        assertThat(endpoint(victim.address().toString()).path("ejections").asInt()
                + (int) registry.get("strangler.proxy.endpoint.requests")
                        .tags("endpoint", victim.address().toString(), "outcome", "connect_failure").counter().count())
                .as("the dead endpoint was noticed").isPositive();
        Counter ok0 = registry.get("strangler.proxy.endpoint.requests").tags("backend", "monolith",
                "endpoint", eps.get(0).address().toString(), "outcome", "success").counter();
        assertThat(ok0.count()).isPositive();
    }

    @Test
    void getsWhoseEndpointClosesTheConnectionMidwayAreRetriedOnAnotherEndpoint() throws Exception {
        ControlledBackend broken = eps.get(1);
        broken.mode = ControlledBackend.Mode.CLOSE; // accepts, reads the request, closes without answering
        for (int i = 0; i < 40; i++) {
            Http1.Reply r = Http1.get(proxy.port(), "/api/things/" + i);
            assertThat(r.status()).as("GET %d: %s", i, r.body()).isEqualTo(200);
            assertThat(r.backend()).isNotEqualTo(broken.name);
        }
        assertThat(broken.requests.get()).as("the broken endpoint was tried").isPositive();
        assertThat(registry.get("strangler.proxy.endpoint.requests")
                .tags("endpoint", broken.address().toString(), "outcome", "reset").counter().count()).isPositive();
        assertThat(endpoint(broken.address().toString()).path("ejections").asInt()).as("ejected at least once").isPositive();
    }

    @Test
    void discoversEndpointsFromADnsName(@TempDir Path otherState) throws Exception {
        BackendConfig dns = new BackendConfig("svc", eps.get(0).address())
                .withDns(new dev.strangler.proxy.backend.DnsConfig("localhost", eps.get(2).port(), Duration.ofMillis(200)));
        try (ProxyServer p = ProxyServer.start(ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0)).threads(1).adminListen(new HostPort("127.0.0.1", 0))
                .backend(dns).route(new Route("rest", RouteMatch.prefix("/"), "svc", null, 0, null, null))
                .state(StateConfig.in(otherState)).shutdownGrace(Duration.ofSeconds(1)).build(),
                new SimpleMeterRegistry(), Clock.systemUTC())) {
            JsonNode backend = Fixture.json(Fixture.get(p.adminPort(), "/api/backends")).path("backends").get(0);
            assertThat(backend.path("dns").path("name").asText()).isEqualTo("localhost");
            assertThat(backend.path("endpoints").findValuesAsText("address")).contains("127.0.0.1:" + eps.get(2).port());
            for (int i = 0; i < 5; i++) {
                Http1.Reply r = Http1.get(p.port(), "/d/" + i);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.backend()).isEqualTo(eps.get(2).name);
            }
            HttpResponse<String> put = Fixture.send(p.adminPort(), "PUT", "/api/backends/svc/endpoints",
                    "{\"endpoints\":[\"http://127.0.0.1:1\"]}", "Authorization", "Bearer none");
            assertThat(put.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void roundTripsThroughTheAdminApiEndpointListAndDrain() throws Exception {
        JsonNode backend = Fixture.json(Fixture.get(proxy.adminPort(), "/api/backends")).path("backends").get(0);
        assertThat(backend.path("name").asText()).isEqualTo("monolith");
        assertThat(backend.path("balance").asText()).isEqualTo("least-outstanding");
        assertThat(backend.path("circuit").asText()).isEqualTo("closed");
        assertThat(backend.path("bulkhead").path("max").asInt()).isEqualTo(512);
        assertThat(backend.path("endpoints")).hasSize(3);
        assertThat(backend.path("endpoints").get(0).path("state").asText()).isEqualTo("healthy");

        String two = "{\"endpoints\":[\"" + eps.get(0).url() + "\",\"" + eps.get(2).url() + "\"],\"reason\":\"task 1 replaced\"}";
        HttpResponse<String> viewer = Fixture.send(proxy.adminPort(), "PUT", "/api/backends/monolith/endpoints", two,
                "Authorization", "Bearer " + Fixture.VIEWER_SECRET);
        assertThat(viewer.statusCode()).isEqualTo(403);
        HttpResponse<String> put = Fixture.send(proxy.adminPort(), "PUT", "/api/backends/monolith/endpoints", two,
                "Authorization", "Bearer " + Fixture.OPERATOR_SECRET);
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(Fixture.json(put).path("backend").path("endpoints")).hasSize(2);
        int removedBefore = eps.get(1).answered.get();
        for (int i = 0; i < 30; i++) {
            assertThat(Http1.get(proxy.port(), "/x/" + i).status()).isEqualTo(200);
        }
        assertThat(eps.get(1).answered.get()).as("removed endpoint gets nothing").isEqualTo(removedBefore);

        HttpResponse<String> drain = Fixture.send(proxy.adminPort(), "POST", "/api/backends/monolith/drain",
                "{\"endpoint\":\"" + eps.get(0).url() + "\",\"reason\":\"deploy\"}",
                "Authorization", "Bearer " + Fixture.OPERATOR_SECRET);
        assertThat(drain.statusCode()).isEqualTo(200);
        assertThat(stateOf(eps.get(0))).isEqualTo("draining");
        int drainedBefore = eps.get(0).answered.get();
        for (int i = 0; i < 30; i++) {
            assertThat(Http1.get(proxy.port(), "/y/" + i).status()).isEqualTo(200);
        }
        assertThat(eps.get(0).answered.get()).as("draining endpoint gets no new requests").isEqualTo(drainedBefore);

        HttpResponse<String> bad = Fixture.send(proxy.adminPort(), "PUT", "/api/backends/monolith/endpoints",
                "{\"endpoints\":[\"ftp://x\"]}", "Authorization", "Bearer " + Fixture.OPERATOR_SECRET);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Fixture.json(bad).path("message").asText()).contains("endpoints[0]").contains("http://host:port");
        HttpResponse<String> unknown = Fixture.send(proxy.adminPort(), "POST", "/api/backends/nope/drain",
                "{\"endpoint\":\"" + eps.get(0).url() + "\"}", "Authorization", "Bearer " + Fixture.OPERATOR_SECRET);
        assertThat(unknown.statusCode()).isEqualTo(404);

        JsonNode audit = Fixture.json(Fixture.get(proxy.adminPort(), "/api/audit", "Authorization", "Bearer " + Fixture.OPERATOR_SECRET));
        List<String> actions = new ArrayList<>();
        for (JsonNode e : audit.path("entries")) {
            if (e.path("route").asText().equals("backend:monolith")) {
                actions.add(e.path("action").asText() + " " + e.path("reason").asText() + " " + e.path("details"));
            }
        }
        assertThat(actions).containsExactly(
                "set-endpoints task 1 replaced {\"before\":[\"" + eps.get(0).address() + "\",\"" + eps.get(1).address()
                        + "\",\"" + eps.get(2).address() + "\"],\"after\":[\"" + eps.get(0).address() + "\",\""
                        + eps.get(2).address() + "\"],\"draining\":[],\"version\":1}",
                "drain-endpoint deploy {\"endpoint\":\"" + eps.get(0).address() + "\",\"before\":[\"" + eps.get(0).address()
                        + "\",\"" + eps.get(2).address() + "\"],\"after\":[\"" + eps.get(0).address() + "\",\""
                        + eps.get(2).address() + "\"],\"draining\":[\"" + eps.get(0).address() + "\"],\"version\":2}");
    }
}
