package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.embedded.LocalPostgres;
import dev.strangler.legacy.normalize.NormalizerRegistry;
import dev.strangler.legacy.normalize.ResponseNormalizers;
import dev.strangler.proxy.backend.Balance;
import dev.strangler.proxy.backend.OutlierConfig;
import dev.strangler.proxy.backend.ResilienceConfig;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.diff.DiffKind;
import dev.strangler.shadow.diff.Difference;
import dev.strangler.shadow.noise.NoiseRule;
import dev.strangler.shadow.store.DiffQueries;
import dev.strangler.shadow.store.RouteReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mirroring through a live proxy: real sockets, real backends (scripted JDK servers), comparisons in
 * a real embedded PostgreSQL diff store.
 */
class MirrorIT {

    private static final String KEY = "mirror-it-hmac-key-0123456789";
    private static LocalPostgres pg;
    private static DataSource ds;
    private static DiffQueries queries;
    private ScriptedBackend legacy;
    private ScriptedBackend target;
    private ScriptedBackend target2;
    private ProxyServer proxy;
    private SimpleMeterRegistry meters;
    private int weightBps; // of the route start() creates: 0 (all to the monolith) unless a test sets it

    @BeforeAll
    static void startPostgres() {
        pg = LocalPostgres.start();
        pg.createDatabase("mirror_it");
        ds = pg.dataSource("mirror_it");
        queries = new DiffQueries(ds, new NoiseRule(2.0, 0.05));
    }

    @AfterAll
    static void stopPostgres() {
        pg.close();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (legacy != null) {
            legacy.close();
        }
        if (target != null) {
            target.close();
        }
        if (target2 != null) {
            target2.close();
        }
    }

    /** Routes {@code /api/<id>} legacy → target at weight 0, mirrored with {@code shadow}; mirror limits as given. */
    private void start(ShadowRouteConfig shadow, int maxConcurrent, int queue, Duration timeout) throws Exception {
        start(shadow, maxConcurrent, queue, timeout, 0);
    }

    /** {@code mirrorThreads} > 0: copies leave from dedicated mirror event loops. */
    private void start(ShadowRouteConfig shadow, int maxConcurrent, int queue, Duration timeout, int mirrorThreads)
            throws Exception {
        target = new ScriptedBackend();
        start(shadow, maxConcurrent, queue, timeout, mirrorThreads,
                new BackendConfig("appointments", new HostPort("127.0.0.1", target.port())), NormalizerRegistry.empty());
    }

    /** The target backend as given (its endpoints started by the caller), normalisers as given. */
    private void start(ShadowRouteConfig shadow, int maxConcurrent, int queue, Duration timeout, int mirrorThreads,
                       BackendConfig targetBackend, NormalizerRegistry normalizers) throws Exception {
        legacy = new ScriptedBackend();
        Path dir = Files.createTempDirectory("mirror-it");
        String id = shadow.route();
        meters = new SimpleMeterRegistry();
        ProxyConfig config = ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0)).threads(1).adminListen(new HostPort("127.0.0.1", 0))
                .backend("monolith", new HostPort("127.0.0.1", legacy.port()))
                .backend(targetBackend)
                .route(new Route(id, RouteMatch.prefix("/api/" + id), "monolith", "appointments", weightBps, null, null))
                .state(StateConfig.in(dir)).shutdownGrace(Duration.ofSeconds(2))
                .mirror(new MirrorConfig(pg.jdbcUrl("mirror_it"), KEY, maxConcurrent, queue, timeout, 256 * 1024, 1,
                        mirrorThreads, List.of(shadow), normalizers))
                .build();
        proxy = ProxyServer.start(config, meters, Clock.systemUTC());
    }

    private RouteReport report(String route) {
        return queries.report(route, Instant.now().minusSeconds(3600), 10);
    }

    private double counter(String name, String tagKey, String tagValue) {
        var c = meters.find(name).tag(tagKey, tagValue).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void mirrorsGetsToTheShadowWithTheShadowHeaderAndStoresTheComparisons() throws Exception {
        start(ShadowRouteConfig.builder("mirrored").noiseSampleRate(0).build(), 64, 64, Duration.ofSeconds(5));
        legacy.on("/api/mirrored", 200, "{\"id\":1,\"status\":\"BOOKED\",\"room\":\"A\"}", Duration.ZERO);
        target.on("/api/mirrored", 200, "{\"id\":1,\"status\":\"CANCELLED\",\"room\":\"A\"}", Duration.ZERO);

        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = Fixture.get(proxy.port(), "/api/mirrored/" + i + "?x=" + i);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("BOOKED"); // the client always gets the primary (legacy)
        }

        Await.await(Duration.ofSeconds(20), () -> report("mirrored").comparisons() == 10);
        RouteReport rep = report("mirrored");
        assertThat(rep.mismatches()).isEqualTo(10);
        assertThat(rep.topFields()).extracting(RouteReport.FieldStat::field).containsExactly("/status");
        assertThat(target.received("GET", "/api/mirrored")).hasSize(10)
                .allSatisfy(req -> assertThat(req.header("X-Strangler-Shadow")).isEqualTo("1"))
                .allSatisfy(req -> assertThat(req.header("X-Strangler-Dry-Run")).isNull());
        assertThat(target.received("GET", "/api/mirrored/3?x=3")).hasSize(1); // same path and query
        assertThat(legacy.received).noneSatisfy(req -> assertThat(req.header("X-Strangler-Shadow")).isNotNull());
        assertThat(counter("strangler.proxy.mirror.requests", "outcome", "responded")).isEqualTo(10);
    }

    @Test
    void asksThePrimaryTwiceForNoiseAndDiscountsWhatTheMonolithItselfChanges() throws Exception {
        start(ShadowRouteConfig.builder("noisy").noiseSampleRate(1.0).build(), 64, 64, Duration.ofSeconds(5));
        legacy.on("/api/noisy", 200, "{\"id\":1,\"status\":\"BOOKED\"}", Duration.ZERO, "X-Unused", "1");
        target.on("/api/noisy", 200, "{\"id\":1,\"status\":\"BOOKED\"}", Duration.ZERO);

        for (int i = 0; i < 5; i++) {
            assertThat(Fixture.get(proxy.port(), "/api/noisy/" + i).statusCode()).isEqualTo(200);
        }

        Await.await(Duration.ofSeconds(20), () -> report("noisy").comparisons() == 5);
        assertThat(report("noisy").primaryPairs()).isEqualTo(5);
        assertThat(report("noisy").matches()).isEqualTo(5);
        // the second primary request is a mirror too: marked, and sent to the monolith
        assertThat(legacy.received("GET", "/api/noisy")).hasSize(10)
                .filteredOn(req -> "1".equals(req.header("X-Strangler-Shadow"))).hasSize(5);
    }

    @Test
    void copiesUseTheShadowBackendsBalancerAndSkipDrainingEndpoints() throws Exception {
        target = new ScriptedBackend();
        target2 = new ScriptedBackend();
        BackendConfig two = new BackendConfig("appointments", List.of(new HostPort("127.0.0.1", target.port()),
                new HostPort("127.0.0.1", target2.port())), null, Balance.ROUND_ROBIN, null, OutlierConfig.DEFAULTS,
                ResilienceConfig.DEFAULTS);
        start(ShadowRouteConfig.builder("spread").noiseSampleRate(0).build(), 64, 64, Duration.ofSeconds(5), 0, two,
                NormalizerRegistry.empty());
        legacy.on("/api/spread", 200, "{\"id\":1}", Duration.ZERO);
        target.on("/api/spread", 200, "{\"id\":1}", Duration.ZERO);
        target2.on("/api/spread", 200, "{\"id\":1}", Duration.ZERO);

        for (int i = 0; i < 10; i++) {
            assertThat(Fixture.get(proxy.port(), "/api/spread/" + i).statusCode()).isEqualTo(200);
        }
        Await.await(Duration.ofSeconds(20), () -> report("spread").comparisons() == 10);
        assertThat(target.received("GET", "/api/spread")).hasSize(5); // round robin over both endpoints
        assertThat(target2.received("GET", "/api/spread")).hasSize(5);

        assertThat(proxy.backends().get("appointments").drain(new HostPort("127.0.0.1", target2.port()))).isTrue();
        for (int i = 0; i < 4; i++) {
            assertThat(Fixture.get(proxy.port(), "/api/spread/" + i).statusCode()).isEqualTo(200);
        }
        Await.await(Duration.ofSeconds(20), () -> report("spread").comparisons() == 14);
        assertThat(target.received("GET", "/api/spread")).hasSize(9); // a draining endpoint gets no copies
        assertThat(target2.received("GET", "/api/spread")).hasSize(5);
        assertThat(report("spread").matches()).isEqualTo(14);
    }

    @Test
    void legacyNormalizersReshapeTheMonolithsAnswerBeforeComparing() throws Exception {
        target = new ScriptedBackend();
        NormalizerRegistry normalizers = NormalizerRegistry.builder()
                .register("appointments-v1", ResponseNormalizers.rename("/appt_status", "status")
                        .andThen(ResponseNormalizers.mapValues("/status", java.util.Map.of("B", "BOOKED"))))
                .build();
        start(ShadowRouteConfig.builder("reshaped").noiseSampleRate(0).legacyNormalizers(List.of("appointments-v1")).build(),
                64, 64, Duration.ofSeconds(5), 0, new BackendConfig("appointments", new HostPort("127.0.0.1", target.port())),
                normalizers);
        legacy.on("/api/reshaped/1", 200, "{\"id\":1,\"appt_status\":\"B\"}", Duration.ZERO);
        target.on("/api/reshaped/1", 200, "{\"id\":1,\"status\":\"BOOKED\"}", Duration.ZERO);
        legacy.on("/api/reshaped/2", 200, "{\"id\":2,\"appt_status\":\"B\"}", Duration.ZERO);
        target.on("/api/reshaped/2", 200, "{\"id\":2,\"status\":\"CANCELLED\"}", Duration.ZERO);

        assertThat(Fixture.get(proxy.port(), "/api/reshaped/1").body()).contains("appt_status"); // clients get it unchanged
        assertThat(Fixture.get(proxy.port(), "/api/reshaped/2").statusCode()).isEqualTo(200);

        Await.await(Duration.ofSeconds(20), () -> report("reshaped").comparisons() == 2);
        RouteReport rep = report("reshaped");
        assertThat(rep.matches()).isEqualTo(1); // renamed and mapped: equal
        assertThat(rep.mismatches()).isEqualTo(1); // BOOKED vs CANCELLED still differs, at the new-shaped pointer
        assertThat(rep.topFields()).extracting(RouteReport.FieldStat::field).containsExactly("/status");
    }

    @Test
    void aSlowShadowNeitherDelaysTheClientNorCountsAsADifference() throws Exception {
        start(ShadowRouteConfig.builder("slow").noiseSampleRate(0).build(), 64, 64, Duration.ofMillis(700), 1);
        legacy.on("/api/slow", 200, "{\"id\":1}", Duration.ZERO);
        target.on("/api/slow", 200, "{\"id\":2}", Duration.ofSeconds(2));

        long worst = 0;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = Fixture.get(proxy.port(), "/api/slow/" + i);
            worst = Math.max(worst, System.nanoTime() - t0);
            assertThat(r.body()).isEqualTo("{\"id\":1}");
        }
        // 2 s of shadow delay per request would be 10 s; the client never waits for the shadow
        assertThat(Duration.ofNanos(worst)).isLessThan(Duration.ofMillis(1000));

        Await.await(Duration.ofSeconds(20), () -> report("slow").timeouts() == 5);
        RouteReport rep = report("slow");
        assertThat(rep.mismatches()).isZero(); // a timeout is not a difference, though the bodies differ
        assertThat(rep.comparisons()).isZero();
        assertThat(counter("strangler.proxy.mirror.requests", "outcome", "timeout")).isEqualTo(5);
    }

    @Test
    void dropsAndCountsMirrorsWhenTheQueueIsFull() throws Exception {
        start(ShadowRouteConfig.builder("busy").noiseSampleRate(0).build(), 1, 1, Duration.ofSeconds(10), 1);
        legacy.on("/api/busy", 200, "{\"id\":1}", Duration.ZERO);
        target.on("/api/busy", 200, "{\"id\":1}", Duration.ofSeconds(3));

        for (int i = 0; i < 6; i++) { // 1 in flight, 1 waiting, 4 dropped
            assertThat(Fixture.get(proxy.port(), "/api/busy/" + i).statusCode()).isEqualTo(200);
        }

        // The copy is admitted (or dropped) right after the client's response is written: the client
        // can read its answer a moment before the event loop counts the drop.
        Await.await(Duration.ofSeconds(10), () -> counter("strangler.proxy.mirror.drops", "reason", "queue_full") >= 4);
        assertThat(counter("strangler.proxy.mirror.drops", "reason", "queue_full")).isEqualTo(4);
        String metrics = Fixture.get(proxy.adminPort(), "/metrics").body();
        assertThat(metrics).contains("strangler_proxy_mirror_drops_total{reason=\"queue_full\",route=\"busy\"} 4.0");
        Await.await(Duration.ofSeconds(30), () -> report("busy").matches() == 2); // the two admitted ones finish
    }

    @Test
    void afterTheCutoverReadsTheServiceAnsweredAreCopiedToTheMonolithAndWritesAreNot() throws Exception {
        weightBps = 10_000; // every request goes to the service; primary: EITHER (the default) copies to the other side
        start(ShadowRouteConfig.builder("after").sideEffectFree(true).methods(Set.of("GET", "POST")).noiseSampleRate(0)
                .build(), 64, 64, Duration.ofSeconds(5));
        legacy.on("/api/after", 200, "{\"id\":1,\"status\":\"BOOKED\"}", Duration.ZERO);
        target.on("/api/after", 200, "{\"id\":1,\"status\":\"BOOKED\",\"room\":\"A\"}", Duration.ZERO);

        for (int i = 0; i < 3; i++) {
            assertThat(Fixture.get(proxy.port(), "/api/after/" + i).body()).contains("room"); // the client gets the service
        }
        assertThat(Fixture.send(proxy.port(), "POST", "/api/after", "{\"slot\":\"09:00\"}").statusCode()).isEqualTo(200);

        Await.await(Duration.ofSeconds(20), () -> report("after").comparisons() == 3);
        RouteReport rep = report("after");
        assertThat(rep.mismatches()).isEqualTo(3);
        assertThat(rep.topFields()).extracting(RouteReport.FieldStat::field).containsExactly("/room");
        // the monolith got the three reads as copies, and never the write
        assertThat(legacy.received).hasSize(3).allSatisfy(req -> {
            assertThat(req.method()).isEqualTo("GET");
            assertThat(req.header("X-Strangler-Shadow")).isEqualTo("1");
        });
        assertThat(target.received).noneSatisfy(req -> assertThat(req.header("X-Strangler-Shadow")).isNotNull());
        // reported the monolith's answer first, as for the copies the other way round: /room is extra
        assertThat(queries.examples("after", "/room", 10)).isNotEmpty().allSatisfy(e -> {
            assertThat(e.differences()).contains(new Difference("/room", DiffKind.EXTRA));
            assertThat(queries.evidence(e.id()).orElseThrow().primaryBody()).doesNotContain("room");
        });
    }

    @Test
    void writesAreNotMirroredByDefault() throws Exception {
        start(ShadowRouteConfig.builder("writes").noiseSampleRate(0).build(), 64, 64, Duration.ofSeconds(5));
        legacy.on("/api/writes", 201, "{\"id\":7}", Duration.ZERO);
        target.on("/api/writes", 201, "{\"id\":7}", Duration.ZERO);

        assertThat(Fixture.send(proxy.port(), "POST", "/api/writes", "{\"slot\":\"09:00\"}").statusCode()).isEqualTo(201);
        assertThat(Fixture.send(proxy.port(), "DELETE", "/api/writes/7", null).statusCode()).isEqualTo(201);
        assertThat(Fixture.get(proxy.port(), "/api/writes/7").statusCode()).isEqualTo(201);

        // mirrors leave in request order on one I/O thread: once the GET's copy arrived, a write's would have too
        Await.await(Duration.ofSeconds(10), () -> target.received.size() == 1);
        assertThat(target.received).extracting(ScriptedBackend.Received::method).containsExactly("GET");
    }

    @Test
    void mirrorsWritesToASideEffectFreeTargetAsDryRuns() throws Exception {
        start(ShadowRouteConfig.builder("book").sideEffectFree(true).methods(Set.of("GET", "POST")).noiseSampleRate(1.0)
                .build(), 64, 64, Duration.ofSeconds(5));
        legacy.on("/api/book", 201, "{\"id\":7,\"slot\":\"09:00\"}", Duration.ZERO);
        target.on("/api/book", 201, "{\"id\":8,\"slot\":\"09:00\"}", Duration.ZERO);

        HttpResponse<String> r = Fixture.send(proxy.port(), "POST", "/api/book", "{\"slot\":\"09:00\"}",
                "Content-Type", "application/json");

        assertThat(r.statusCode()).isEqualTo(201);
        Await.await(Duration.ofSeconds(10), () -> target.received.size() == 1);
        ScriptedBackend.Received copy = target.received.get(0);
        assertThat(copy.method()).isEqualTo("POST");
        assertThat(copy.body()).isEqualTo("{\"slot\":\"09:00\"}");
        assertThat(copy.header("X-Strangler-Dry-Run")).isEqualTo("1");
        assertThat(copy.header("X-Strangler-Shadow")).isEqualTo("1");
        Await.await(Duration.ofSeconds(20), () -> report("book").mismatches() == 1);
        assertThat(report("book").primaryPairs()).isZero(); // a write is never sent to the monolith twice
        assertThat(legacy.received).hasSize(1);
    }

    @Test
    void bodiesOverTheCapAreNotMirroredButCounted() throws Exception {
        start(ShadowRouteConfig.builder("big").noiseSampleRate(0).build(), 64, 64, Duration.ofSeconds(5));
        String big = "{\"data\":\"" + "x".repeat(300 * 1024) + "\"}";
        legacy.on("/api/big", 200, big, Duration.ZERO);
        target.on("/api/big", 200, big, Duration.ZERO);

        HttpResponse<String> r = Fixture.get(proxy.port(), "/api/big/1");

        assertThat(r.body()).hasSize(big.length());
        assertThat(counter("strangler.proxy.mirror.drops", "reason", "too_large")).isEqualTo(1);
        assertThat(Fixture.get(proxy.port(), "/api/big/2").statusCode()).isEqualTo(200);
        assertThat(target.received).isEmpty();
    }
}
