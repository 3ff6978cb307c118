package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.proxy.backend.FallbackReason;
import dev.strangler.proxy.backend.ResilienceConfig;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extracted service fails in every way the fallback knows; clients see the monolith's answers. */
class FallbackIT {

    @TempDir
    Path state;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ControlledBackend legacy;
    ControlledBackend target;
    ProxyServer proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (target != null) {
            target.close();
        }
        if (legacy != null) {
            legacy.close();
        }
    }

    private void start(ResilienceConfig targetResilience, Route... extra) throws Exception {
        legacy = ControlledBackend.start("monolith");
        target = ControlledBackend.start("appointments");
        ProxyConfig.Builder b = ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0)).threads(2).adminListen(new HostPort("127.0.0.1", 0))
                .token(new AdminToken("oncall", Fixture.OPERATOR_SECRET, AdminToken.Role.OPERATOR))
                .backend("monolith", legacy.address())
                .backend(new BackendConfig("appointments", target.address()).withResilience(targetResilience))
                .route(new Route("appointments", RouteMatch.prefix("/api/appointments"), "monolith", "appointments",
                        10_000, null, null))
                .state(StateConfig.in(state)).shutdownGrace(Duration.ofSeconds(1));
        for (Route r : extra) {
            b.route(r);
        }
        if (extra.length > 0) {
            b.backend(new BackendConfig("tiny", target.address()).withResilience(ResilienceConfig.DEFAULTS.withMaxConcurrent(1)));
        }
        proxy = ProxyServer.start(b.build(), registry, Clock.systemUTC());
    }

    private double fallbacks(FallbackReason reason) {
        Counter c = registry.find("strangler.proxy.fallbacks").tags("route", "appointments", "reason", reason.tag()).counter();
        return c == null ? 0 : c.count();
    }

    private double requests(String backend, String status) {
        Counter c = registry.find("strangler.proxy.requests").tags("route", "appointments", "backend", backend,
                "status", status).counter();
        return c == null ? 0 : c.count();
    }

    private JsonNode backendJson(String name) throws Exception {
        JsonNode all = Fixture.json(Fixture.get(proxy.adminPort(), "/api/backends"));
        for (JsonNode b : all.path("backends")) {
            if (b.path("name").asText().equals(name)) {
                return b;
            }
        }
        throw new AssertionError("no backend " + name + " in " + all);
    }

    @Test
    void targetKilledUnderGetPostLoadFailsNoGetAndEveryPostSucceedsOrSaysOutcomeUnknown() throws Exception {
        start(ResilienceConfig.DEFAULTS.withCircuitBreaker(50, 20, 10, Duration.ofSeconds(60)));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        Queue<String> badGets = new ConcurrentLinkedQueue<>();
        Queue<String> badPosts = new ConcurrentLinkedQueue<>();
        AtomicInteger unknownPosts = new AtomicInteger();
        AtomicInteger answeredByMonolith = new AtomicInteger();
        int clients = 8;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int client = i;
            workers.add(pool.submit(() -> {
                for (int n = 0; running.get(); n++) {
                    boolean post = n % 3 == 0;
                    try {
                        Http1.Reply r = Http1.send(proxy.port(), post ? "POST" : "GET", "/api/appointments/" + client + "-" + n,
                                post ? "{\"slot\":" + n + "}" : null);
                        if (r.status() == 200) {
                            ok.incrementAndGet();
                            if (r.backend().equals("monolith")) {
                                answeredByMonolith.incrementAndGet();
                            }
                        } else if (post && (r.status() == 502 || r.status() == 504) && r.outcomeUnknown()) {
                            unknownPosts.incrementAndGet();
                        } else {
                            (post ? badPosts : badGets).add(r.status() + " " + r.body());
                        }
                    } catch (Exception e) {
                        (post ? badPosts : badGets).add(e.toString());
                    }
                }
            }));
        }
        Await.await(Duration.ofSeconds(30), () -> ok.get() >= 300);
        assertThat(answeredByMonolith.get()).as("fallbacks before the kill").isZero();
        target.kill();
        int atKill = ok.get();
        Await.await(Duration.ofSeconds(30), () -> ok.get() >= atKill + 600);
        running.set(false);
        for (Future<?> w : workers) {
            w.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(badGets).as("failed GETs").isEmpty();
        assertThat(badPosts).as("POSTs that neither succeeded nor said the outcome is unknown").isEmpty();
        double replayedToLegacy = 0;
        for (FallbackReason r : FallbackReason.values()) {
            if (r != FallbackReason.STALE_CONNECTION) {
                replayedToLegacy += fallbacks(r);
            }
        }
        assertThat(replayedToLegacy).as("fallback metric vs answers the clients got from the monolith")
                .isEqualTo(answeredByMonolith.get());
        assertThat(fallbacks(FallbackReason.CIRCUIT_OPEN)).as("circuit opened and short-circuited").isPositive();
        assertThat(requests("appointments", "5xx") - unknownPosts.get()).as("target failures in its meters")
                .isEqualTo(replayedToLegacy);
        assertThat(backendJson("appointments").path("circuit").asText()).isEqualTo("open");
        System.out.printf("target killed: %d ok (%d from the monolith), %d POSTs with outcome unknown, fallbacks "
                        + "connect=%.0f reset=%.0f circuit_open=%.0f stale=%.0f%n", ok.get(), answeredByMonolith.get(),
                unknownPosts.get(), fallbacks(FallbackReason.CONNECT), fallbacks(FallbackReason.RESET),
                fallbacks(FallbackReason.CIRCUIT_OPEN), fallbacks(FallbackReason.STALE_CONNECTION));
    }

    @Test
    void circuitOpensAfterFailuresAndClosesAfterRecovery() throws Exception {
        // openFor long enough that the circuit is still open when the next request comes on a loaded machine
        start(new ResilienceConfig(50, 4, 4, Duration.ofSeconds(3), 2, 512, null, null, null, 65_536, true));
        target.mode = ControlledBackend.Mode.ERROR_500;
        for (int i = 0; i < 4; i++) {
            Http1.Reply r = Http1.get(proxy.port(), "/api/appointments/" + i);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.backend()).isEqualTo("monolith");
        }
        assertThat(fallbacks(FallbackReason.SERVER_ERROR)).isEqualTo(4);
        assertThat(backendJson("appointments").path("circuit").asText()).isEqualTo("open");
        int seen = target.requests.get();
        Http1.Reply shortCircuited = Http1.send(proxy.port(), "POST", "/api/appointments", "{}");
        assertThat(shortCircuited.status()).isEqualTo(200);
        assertThat(shortCircuited.backend()).isEqualTo("monolith");
        assertThat(target.requests.get()).as("no request reaches an open circuit").isEqualTo(seen);
        assertThat(fallbacks(FallbackReason.CIRCUIT_OPEN)).isEqualTo(1);

        target.mode = ControlledBackend.Mode.OK;
        Await.await(Duration.ofSeconds(20), () -> {
            try {
                Http1.Reply r = Http1.get(proxy.port(), "/api/appointments/again");
                return r.backend().equals("appointments") && backendJson("appointments").path("circuit").asText().equals("closed");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(Http1.get(proxy.port(), "/api/appointments/after").backend()).isEqualTo("appointments");
    }

    @Test
    void fullBulkheadSendsToTheMonolithOrAnswers503() throws Exception {
        start(ResilienceConfig.DEFAULTS.withMaxConcurrent(1),
                new Route("tiny", RouteMatch.prefix("/tiny"), "tiny", null, 0, null, null));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        pool.submit(() -> Http1.get(proxy.port(), "/api/appointments/hang")); // holds the only permit
        Await.await(Duration.ofSeconds(10), () -> target.requests.get() == 1);
        assertThat(backendJson("appointments").path("bulkhead").path("inUse").asInt()).isEqualTo(1);
        Http1.Reply post = Http1.send(proxy.port(), "POST", "/api/appointments", "{\"a\":1}");
        assertThat(post.status()).isEqualTo(200);
        assertThat(post.backend()).isEqualTo("monolith");
        assertThat(fallbacks(FallbackReason.BULKHEAD_FULL)).isEqualTo(1);

        pool.submit(() -> Http1.get(proxy.port(), "/tiny/hang"));
        Await.await(Duration.ofSeconds(10), () -> target.requests.get() == 2);
        Http1.Reply refused = Http1.get(proxy.port(), "/tiny/x");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body()).contains("\"error\":\"bulkhead_full\"");
        assertThat(target.requests.get()).isEqualTo(2);
        pool.shutdownNow();
    }

    @Test
    void silentTargetFallsBackForGetAndAnswers504OutcomeUnknownForWrites() throws Exception {
        start(ResilienceConfig.DEFAULTS.withTimeouts(null, Duration.ofMillis(300), null));
        target.mode = ControlledBackend.Mode.HANG;
        Http1.Reply get = Http1.get(proxy.port(), "/api/appointments/1");
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.backend()).isEqualTo("monolith");
        assertThat(fallbacks(FallbackReason.TIMEOUT)).isEqualTo(1);
        for (String method : List.of("POST", "PUT")) {
            Http1.Reply w = Http1.send(proxy.port(), method, "/api/appointments/1", "{\"slot\":1}");
            assertThat(w.status()).as(method).isEqualTo(504);
            assertThat(w.body()).contains("\"error\":\"gateway_timeout\"").contains("outcome unknown");
            assertThat(w.outcomeUnknown()).isTrue();
        }
        assertThat(legacy.count("POST") + legacy.count("PUT")).as("writes never replayed on the monolith").isZero();
        assertThat(fallbacks(FallbackReason.TIMEOUT)).isEqualTo(1);
    }

    @Test
    void totalTimeoutBeforeTheFirstByteAlsoFallsBack() throws Exception {
        start(ResilienceConfig.DEFAULTS.withTimeouts(null, null, Duration.ofMillis(300)));
        target.mode = ControlledBackend.Mode.HANG;
        Http1.Reply get = Http1.get(proxy.port(), "/api/appointments/1");
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.backend()).isEqualTo("monolith");
        assertThat(fallbacks(FallbackReason.TIMEOUT)).isEqualTo(1);
    }

    @Test
    void serverErrorOnSafeRequestFallsBackButWritesGetTheTargetsAnswer() throws Exception {
        start(ResilienceConfig.DEFAULTS);
        target.mode = ControlledBackend.Mode.ERROR_500;
        Http1.Reply get = Http1.get(proxy.port(), "/api/appointments/1");
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.backend()).isEqualTo("monolith");
        Http1.Reply head = Http1.send(proxy.port(), "HEAD", "/api/appointments/1", null);
        assertThat(head.status()).isEqualTo(200);
        Http1.Reply post = Http1.send(proxy.port(), "POST", "/api/appointments", "{\"slot\":1}");
        assertThat(post.status()).isEqualTo(500);
        assertThat(post.backend()).isEqualTo("appointments");
        assertThat(fallbacks(FallbackReason.SERVER_ERROR)).isEqualTo(2);
        assertThat(legacy.count("POST")).isZero();
        // Per-backend meters show the target failing (3 x 5xx) and the monolith answering the 2 fallbacks.
        assertThat(requests("appointments", "5xx")).isEqualTo(3);
        assertThat(requests("monolith", "2xx")).isEqualTo(2);
    }

    @Test
    void connectionRefusedSendsEveryMethodToTheMonolith() throws Exception {
        start(ResilienceConfig.DEFAULTS);
        target.kill();
        for (String method : List.of("GET", "POST", "DELETE")) {
            Http1.Reply r = Http1.send(proxy.port(), method, "/api/appointments/1", method.equals("POST") ? "{\"x\":1}" : null);
            assertThat(r.status()).as(method).isEqualTo(200);
            assertThat(r.backend()).isEqualTo("monolith");
            assertThat(r.body()).contains("\"method\":\"" + method + "\"");
        }
        assertThat(legacy.count("POST")).isEqualTo(1);
        assertThat(fallbacks(FallbackReason.CONNECT)).isEqualTo(3);
    }

    @Test
    void aTargetThatOwnsItsWritesNeverHasThemReplayedOnTheMonolith() throws Exception {
        start(ResilienceConfig.DEFAULTS.withFallbackWrites(false));
        target.kill();
        Http1.Reply get = Http1.send(proxy.port(), "GET", "/api/appointments/1", null);
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.backend()).isEqualTo("monolith");
        for (String method : List.of("POST", "PUT", "DELETE")) {
            Http1.Reply r = Http1.send(proxy.port(), method, "/api/appointments/1", method.equals("DELETE") ? null : "{\"x\":1}");
            assertThat(r.status()).as(method).isEqualTo(502);
            assertThat(r.body()).as(method).contains("\"error\":\"bad_gateway\"", "nothing was sent, retry later")
                    .doesNotContain("outcome");
        }
        assertThat(legacy.count("POST") + legacy.count("PUT") + legacy.count("DELETE")).isZero();
        assertThat(fallbacks(FallbackReason.CONNECT)).isEqualTo(1);
    }
}
