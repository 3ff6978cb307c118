package dev.strangler.proxy;

import static dev.strangler.proxy.Fixture.OPERATOR_SECRET;
import static dev.strangler.proxy.Fixture.json;
import static dev.strangler.proxy.Fixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import dev.strangler.proxy.routing.Sticky;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three proxies in one JVM follow one real (embedded) PostgreSQL control plane: changes through any
 * admin API reach all of them, concurrent writers never lose an update, and the fleet keeps serving
 * through a database outage, from its disk cache if it has to start during one.
 */
class ControlPlaneFleetIT {

    private static final String OPERATOR = "Bearer " + OPERATOR_SECRET;
    private static final Duration BOUND = Duration.ofSeconds(1);
    private static LocalPostgres pg;
    private static TestBackend legacy;
    private static TestBackend target;

    @TempDir
    Path dir;
    String jdbcUrl;
    final List<ProxyServer> proxies = new ArrayList<>();

    @BeforeAll
    static void startDatabaseAndBackends() throws Exception {
        pg = LocalPostgres.start();
        legacy = TestBackend.start("monolith");
        target = TestBackend.start("appointments");
    }

    @AfterAll
    static void stopAll() {
        legacy.close();
        target.close();
        pg.close();
    }

    @BeforeEach
    void database(TestInfo test) {
        pg.resume(); // a failed test may have left it stopped
        String db = "ctl_" + test.getTestMethod().orElseThrow().getName().toLowerCase().replaceAll("[^a-z0-9]", "");
        db = db.substring(0, Math.min(db.length(), 60));
        pg.createDatabase(db);
        jdbcUrl = pg.jdbcUrl(db);
    }

    @AfterEach
    void stopProxies() {
        proxies.forEach(ProxyServer::close);
    }

    private ProxyServer start(String name) {
        return start(name, routes -> routes);
    }

    private ProxyServer start(String name, java.util.function.UnaryOperator<List<Route>> edit) {
        ProxyConfig config = Fixture.config(dir.resolve(name), legacy.port(), target.port(), 0)
                .threads(1)
                .route(new Route("video", RouteMatch.prefix("/api/video"), "monolith", "appointments", 0,
                        new Sticky(Sticky.Source.HEADER, "X-Patient-Id"), null))
                .controlPlane(ControlPlaneConfig.OFF.withJdbcUrl(jdbcUrl))
                .build();
        // "rest" (catch-all) was added before "video" by Fixture; move it last so /api/video matches.
        List<Route> ordered = new ArrayList<>(config.routes());
        Route rest = ordered.remove(1);
        ordered.add(rest);
        config = new ProxyConfig(config.listen(), config.threads(), config.admin(), config.backends(), edit.apply(ordered),
                config.limits(), config.state(), config.shutdown(), config.reusePort(), config.guards(),
                config.controlPlane(), config.mirror());
        ProxyServer p = ProxyServer.start(config, new SimpleMeterRegistry(), Clock.systemUTC());
        proxies.add(p);
        return p;
    }

    private List<ProxyServer> fleet() {
        return List.of(start("a"), start("b"), start("c"));
    }

    private static int weight(ProxyServer p, String route) {
        return p.routes().route(route).orElseThrow().weightBps();
    }

    private static HttpResponse<String> put(ProxyServer p, String route, String body) throws Exception {
        return send(p.adminPort(), "PUT", "/api/routes/" + route + "/weight", body, "Authorization", OPERATOR);
    }

    /** Milliseconds from now until {@code p} serves {@code weightBps} on {@code route}, polled tightly. */
    private static long millisUntil(ProxyServer p, String route, int weightBps, long sinceNanos) {
        long deadline = sinceNanos + TimeUnit.SECONDS.toNanos(10);
        while (weight(p, route) != weightBps) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("proxy on " + p.port() + " still serves " + weight(p, route)
                        + " bps on " + route + " 10 s after the change to " + weightBps);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000); // 0.1 ms resolution, leaves CPU to the proxies
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    }

    private static String backendFor(ProxyServer p, String path) throws Exception {
        return Fixture.get(p.port(), path, "X-Patient-Id", "p-42").headers().firstValue("X-Backend").orElse("?");
    }

    @Test
    void weightChangeThroughOneAdminApiReachesEveryProxyWithinOneSecond() throws Exception {
        List<ProxyServer> fleet = fleet();
        long worst = 0;
        for (int i = 0; i < 6; i++) {
            int w = i % 2 == 0 ? 10_000 : 0;
            ProxyServer via = fleet.get(i % 3);
            var r = put(via, "appointments", "{\"weightBps\":" + w + ",\"reason\":\"ramp " + i + "\"}");
            long returned = System.nanoTime();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            for (ProxyServer p : fleet) {
                long ms = millisUntil(p, "appointments", w, returned);
                worst = Math.max(worst, ms);
                assertThat(Duration.ofMillis(ms)).as("propagation to proxy %d", p.port()).isLessThan(BOUND);
                assertThat(backendFor(p, "/api/appointments/1")).isEqualTo(w == 0 ? "monolith" : "appointments");
            }
        }
        System.out.printf("control plane: worst propagation over 6 changes x 3 proxies: %d ms%n", worst);
        long version = fleet.get(0).routes().version();
        for (ProxyServer p : fleet) {
            Await.await(BOUND, () -> p.routes().version() == version);
            JsonNode route = json(send(p.adminPort(), "GET", "/api/routes/appointments", null));
            assertThat(route.path("version").asLong()).isEqualTo(7); // 1 at registration + 6 changes
        }
        JsonNode audit = json(send(fleet.get(2).adminPort(), "GET", "/api/audit?limit=100", null,
                "Authorization", OPERATOR));
        assertThat(audit.path("entries").findValuesAsText("reason"))
                .containsExactly("ramp 0", "ramp 1", "ramp 2", "ramp 3", "ramp 4", "ramp 5");
    }

    @Test
    void auditLivesInTheControlPlaneWithGaplessSeqAndDetails() throws Exception {
        List<ProxyServer> fleet = fleet();
        put(fleet.get(0), "appointments", "{\"weightBps\":500,\"reason\":\"step 1\"}");
        var tool = send(fleet.get(1).adminPort(), "POST", "/api/audit",
                "{\"action\":\"ramp-step\",\"route\":\"appointments\",\"reason\":\"gate ok\","
                        + "\"details\":{\"step\":1,\"p99Ms\":41.5}}", "Authorization", OPERATOR);
        assertThat(tool.statusCode()).as(tool.body()).isEqualTo(201);
        assertThat(json(tool).path("entry").path("seq").asLong()).isEqualTo(2);
        send(fleet.get(2).adminPort(), "POST", "/api/rollback", "{\"all\":true,\"reason\":\"drill\"}",
                "Authorization", OPERATOR);

        JsonNode all = json(send(fleet.get(2).adminPort(), "GET", "/api/audit", null, "Authorization", OPERATOR));
        assertThat(all.path("entries").findValuesAsText("action"))
                .containsExactly("set-weight", "ramp-step", "rollback-all", "rollback-all");
        assertThat(all.path("entries").findValues("seq")).extracting(JsonNode::asLong).containsExactly(1L, 2L, 3L, 4L);
        JsonNode step = all.path("entries").get(1);
        assertThat(step.path("details").path("p99Ms").asDouble()).isEqualTo(41.5);
        assertThat(step.path("before").path("weightBps").asInt()).isEqualTo(500);
        JsonNode after = json(send(fleet.get(0).adminPort(), "GET", "/api/audit?afterSeq=2&route=video", null,
                "Authorization", OPERATOR));
        assertThat(after.path("entries")).hasSize(1);
        assertThat(after.path("entries").get(0).path("seq").asLong()).isEqualTo(4);
        assertThat(after.path("entries").get(0).path("details").isObject()).isTrue();
        JsonNode page = json(send(fleet.get(1).adminPort(), "GET", "/api/audit?beforeSeq=4&limit=2", null,
                "Authorization", OPERATOR));
        assertThat(page.path("entries").findValues("seq")).extracting(JsonNode::asLong).containsExactly(2L, 3L);
    }

    @Test
    void rollbackAllIsOneCommitThatReachesEveryProxy() throws Exception {
        List<ProxyServer> fleet = fleet();
        put(fleet.get(0), "appointments", "{\"weightBps\":2500}");
        long before = json(put(fleet.get(1), "video", "{\"weightBps\":5000}")).path("version").asLong();

        var rb = send(fleet.get(2).adminPort(), "POST", "/api/rollback", "{\"all\":true,\"reason\":\"incident\"}",
                "Authorization", OPERATOR);
        long returned = System.nanoTime();

        assertThat(rb.statusCode()).as(rb.body()).isEqualTo(200);
        assertThat(json(rb).path("version").asLong()).isEqualTo(before + 1);
        assertThat(json(rb).path("rolledBack").findValuesAsText("id")).containsExactly("appointments", "video");
        for (ProxyServer p : fleet) {
            assertThat(millisUntil(p, "appointments", 0, returned)).isLessThan(BOUND.toMillis());
            assertThat(millisUntil(p, "video", 0, returned)).isLessThan(BOUND.toMillis());
            assertThat(backendFor(p, "/api/video/9")).isEqualTo("monolith");
        }
    }

    @Test
    void concurrentWritersWithTheSameExpectedVersionGetExactlyOneConflict() throws Exception {
        List<ProxyServer> fleet = fleet();
        long v = json(send(fleet.get(1).adminPort(), "GET", "/api/routes/appointments", null)).path("version").asLong();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            Future<HttpResponse<String>> first = writers.submit(() -> {
                go.await();
                return put(fleet.get(0), "appointments", "{\"weightBps\":1000,\"expectedVersion\":" + v + "}");
            });
            Future<HttpResponse<String>> second = writers.submit(() -> {
                go.await();
                return put(fleet.get(1), "appointments", "{\"weightBps\":9000,\"expectedVersion\":" + v + "}");
            });
            go.countDown();
            List<HttpResponse<String>> answers = List.of(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS));
            assertThat(answers).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(200, 409);
            HttpResponse<String> won = answers.stream().filter(a -> a.statusCode() == 200).findFirst().orElseThrow();
            HttpResponse<String> lost = answers.stream().filter(a -> a.statusCode() == 409).findFirst().orElseThrow();
            int winner = json(won).path("route").path("weightBps").asInt();
            JsonNode conflict = json(lost);
            assertThat(conflict.path("error").asText()).isEqualTo("conflict");
            assertThat(conflict.path("message").asText()).contains("not " + v);
            assertThat(conflict.path("route").path("version").asLong()).isEqualTo(v + 1);
            assertThat(conflict.path("route").path("weightBps").asInt()).isEqualTo(winner);
            for (ProxyServer p : fleet) {
                Await.await(BOUND, () -> weight(p, "appointments") == winner);
            }
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void concurrentWritersWithoutVersionsLoseNoUpdate() throws Exception {
        List<ProxyServer> fleet = fleet();
        int writes = 12;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService writers = Executors.newFixedThreadPool(writes);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < writes; i++) {
                int w = (i + 1) * 100;
                ProxyServer via = fleet.get(i % 3);
                answers.add(writers.submit(() -> {
                    go.await();
                    return put(via, "appointments", "{\"weightBps\":" + w + "}");
                }));
            }
            go.countDown();
            for (Future<HttpResponse<String>> a : answers) {
                assertThat(a.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        } finally {
            writers.shutdownNow();
        }
        JsonNode entries = json(send(fleet.get(0).adminPort(), "GET", "/api/audit?limit=100", null,
                "Authorization", OPERATOR)).path("entries");
        assertThat(entries).hasSize(writes);
        int previous = 0;
        for (JsonNode e : entries) { // each change saw the one before it: nothing was overwritten unseen
            assertThat(e.path("before").path("weightBps").asInt()).isEqualTo(previous);
            previous = e.path("after").path("weightBps").asInt();
        }
        int last = previous;
        for (ProxyServer p : fleet) {
            Await.await(BOUND, () -> weight(p, "appointments") == last);
            assertThat(p.routes().routeVersion("appointments")).isEqualTo(1 + writes);
        }
    }

    @Test
    void keepsServingThroughDatabaseRestartReportsDegradedAndConverges() throws Exception {
        List<ProxyServer> fleet = fleet();
        put(fleet.get(0), "appointments", "{\"weightBps\":10000}");
        for (ProxyServer p : fleet) {
            Await.await(BOUND, () -> weight(p, "appointments") == 10_000);
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(3);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            int client = c;
            loops.add(clients.submit(() -> {
                int n = 0;
                while (running.get()) {
                    ProxyServer p = fleet.get((client + n++) % 3);
                    try {
                        var r = Fixture.get(p.port(), "/api/appointments/" + n, "X-Patient-Id", "p-" + client);
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        try {
            Await.await(Duration.ofSeconds(10), () -> ok.get() > 30);

            pg.stop();
            for (ProxyServer p : fleet) {
                Await.await(Duration.ofSeconds(15), () -> readyz(p).path("controlPlane").asText().equals("degraded"));
                var ready = send(p.adminPort(), "GET", "/readyz", null);
                assertThat(ready.statusCode()).isEqualTo(200);
                assertThat(json(ready).path("status").asText()).isEqualTo("ready");
            }
            var refused = put(fleet.get(1), "appointments", "{\"weightBps\":0}");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(json(refused).path("error").asText()).isEqualTo("control_plane_unavailable");
            assertThat(json(refused).path("message").asText()).contains("control plane unreachable");
            assertThat(fleet).allSatisfy(p -> assertThat(weight(p, "appointments")).isEqualTo(10_000));
            var audit = send(fleet.get(0).adminPort(), "GET", "/api/audit", null, "Authorization", OPERATOR);
            assertThat(audit.statusCode()).isEqualTo(503);
            int duringOutage = ok.get();
            Await.await(Duration.ofSeconds(10), () -> ok.get() > duringOutage + 30);

            pg.resume();
            for (ProxyServer p : fleet) {
                Await.await(Duration.ofSeconds(20), () -> readyz(p).path("controlPlane").asText().equals("connected"));
            }
            var after = put(fleet.get(2), "appointments", "{\"weightBps\":0,\"reason\":\"after restart\"}");
            long returned = System.nanoTime();
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
            for (ProxyServer p : fleet) {
                assertThat(millisUntil(p, "appointments", 0, returned)).isLessThan(BOUND.toMillis());
            }
            int afterRestart = ok.get();
            Await.await(Duration.ofSeconds(10), () -> ok.get() > afterRestart + 30);
        } finally {
            running.set(false);
            for (Future<?> f : loops) {
                f.get(20, TimeUnit.SECONDS);
            }
            clients.shutdown();
        }
        assertThat(failures).isEmpty();
        System.out.printf("control plane: %d requests through a database restart, %d failed%n", ok.get(), failures.size());
    }

    @Test
    void proxyStartedWhileTheDatabaseIsDownServesItsDiskCacheThenCatchesUp() throws Exception {
        ProxyServer a = start("a");
        ProxyServer b = start("b");
        put(a, "appointments", "{\"weightBps\":2500}");
        Await.await(BOUND, () -> weight(b, "appointments") == 2500);
        a.close();
        proxies.remove(a);
        put(b, "appointments", "{\"weightBps\":7500}"); // a misses this one

        pg.stop();
        ProxyServer restarted = start("a");

        assertThat(weight(restarted, "appointments")).isEqualTo(2500); // its cache, not the config's 0
        assertThat(readyz(restarted).path("controlPlane").asText()).isEqualTo("degraded");
        assertThat(readyz(restarted).path("status").asText()).isEqualTo("ready");
        assertThat(backendFor(restarted, "/api/appointments/1")).isIn("monolith", "appointments");

        pg.resume();
        Await.await(Duration.ofSeconds(20), () -> weight(restarted, "appointments") == 7500);
        Await.await(Duration.ofSeconds(5), () -> readyz(restarted).path("controlPlane").asText().equals("connected"));
    }

    @Test
    void proxiesWhoseConfigsDisagreeFollowTheDocumentedRules() throws Exception {
        ProxyServer a = start("a");
        // c declares a route the others do not know, with its own initial weight
        ProxyServer c = start("c", routes -> {
            List<Route> more = new ArrayList<>(routes);
            more.add(0, new Route("beta", RouteMatch.prefix("/api/beta"), "monolith", "appointments", 700, null, null));
            return more;
        });
        // b has "video" without a target: it can never send video traffic to the extracted service
        ProxyServer b = start("b", routes -> routes.stream().map(r -> r.id().equals("video")
                ? new Route("video", r.match(), "monolith", null, 0, null, null) : r).toList());

        assertThat(weight(c, "beta")).isEqualTo(700); // registered with its config weight
        assertThat(a.routes().route("beta")).isEmpty(); // unknown to a: ignored
        assertThat(put(a, "beta", "{\"weightBps\":900}").statusCode()).isEqualTo(404);
        assertThat(put(c, "beta", "{\"weightBps\":900}").statusCode()).isEqualTo(200);

        var r = put(a, "video", "{\"weightBps\":5000}");
        long returned = System.nanoTime();
        assertThat(r.statusCode()).isEqualTo(200);
        millisUntil(c, "video", 5000, returned);
        Await.await(BOUND, () -> b.routes().routeVersion("video") == 2); // b got the change...
        assertThat(weight(b, "video")).isZero(); // ...and serves the safe side
        assertThat(backendFor(b, "/api/video/1")).isEqualTo("monolith");
        assertThat(put(b, "video", "{\"weightBps\":10}").statusCode()).isEqualTo(400);
    }

    @Test
    void createsItsSchemaOnceAndRefusesADatabaseFromANewerBuild() throws Exception {
        start("a");
        start("b"); // second start: schema already there, nothing re-applied
        String db = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1, jdbcUrl.indexOf('?'));
        try (var c = pg.dataSource(db, 1).getConnection(); var st = c.createStatement()) {
            try (var rs = st.executeQuery("SELECT count(*) FROM control_schema_version")) {
                rs.next();
                assertThat(rs.getInt(1)).as("one row per migration (routes and audit; run-time endpoints)").isEqualTo(2);
            }
            st.execute("INSERT INTO control_schema_version (version) VALUES (99)");
        }
        ProxyServer newer = start("c");
        JsonNode ready = readyz(newer);
        assertThat(ready.path("controlPlane").asText()).isEqualTo("degraded");
        assertThat(ready.path("controlPlaneDetail").asText())
                .contains("control-plane schema version 99 is newer than this build's 2 (expected: upgrade strangler");
    }

    private static JsonNode readyz(ProxyServer p) {
        try {
            return json(send(p.adminPort(), "GET", "/readyz", null));
        } catch (Exception e) {
            throw new AssertionError("readyz of proxy " + p.port() + ": " + e, e);
        }
    }
}
