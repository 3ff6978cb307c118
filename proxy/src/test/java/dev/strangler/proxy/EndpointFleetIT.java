package dev.strangler.proxy;

import static dev.strangler.proxy.Fixture.OPERATOR_SECRET;
import static dev.strangler.proxy.Fixture.json;
import static dev.strangler.proxy.Fixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Endpoint changes made through one proxy's admin API are durable and fleet-wide: three proxies on
 * one embedded PostgreSQL control plane all reflect a drain, a removal and an addition within 1 s,
 * traffic stops going to a removed endpoint, a proxy starting while the database is down uses its
 * cached endpoints, and without a control plane the state file keeps them across a restart.
 */
class EndpointFleetIT {

    private static final String OPERATOR = "Bearer " + OPERATOR_SECRET;
    private static final long BOUND_MS = 1000;
    private static LocalPostgres pg;

    @TempDir
    Path dir;
    String jdbcUrl;
    final List<ControlledBackend> eps = new ArrayList<>();
    final List<ProxyServer> proxies = new ArrayList<>();

    @BeforeAll
    static void startDatabase() {
        pg = LocalPostgres.start();
    }

    @AfterAll
    static void stopDatabase() {
        pg.close();
    }

    @BeforeEach
    void setUp(TestInfo test) throws Exception {
        pg.resume(); // a failed test may have left it stopped
        String db = "ep_" + test.getTestMethod().orElseThrow().getName().toLowerCase().replaceAll("[^a-z0-9]", "");
        db = db.substring(0, Math.min(db.length(), 60));
        pg.createDatabase(db);
        jdbcUrl = pg.jdbcUrl(db);
        for (int i = 0; i < 3; i++) {
            eps.add(ControlledBackend.start("ep-" + i));
        }
    }

    @AfterEach
    void tearDown() {
        proxies.forEach(ProxyServer::close);
        eps.forEach(ControlledBackend::close);
    }

    /** Backend "monolith" configured with endpoints 0 and 1; endpoint 2 is only ever added at run time. */
    private ProxyServer start(String name, String controlDb) {
        ProxyConfig.Builder b = ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0)).threads(1).adminListen(new HostPort("127.0.0.1", 0))
                .token(new AdminToken("oncall", OPERATOR_SECRET, AdminToken.Role.OPERATOR))
                .backend(new BackendConfig("monolith", eps.get(0).address())
                        .withEndpoints(List.of(eps.get(0).address(), eps.get(1).address())))
                .route(new Route("rest", RouteMatch.prefix("/"), "monolith", null, 0, null, null))
                .state(StateConfig.in(dir.resolve(name))).shutdownGrace(Duration.ofSeconds(1));
        if (controlDb != null) {
            b.controlPlane(ControlPlaneConfig.OFF.withJdbcUrl(controlDb));
        }
        ProxyServer p = ProxyServer.start(b.build(), new SimpleMeterRegistry(), Clock.systemUTC());
        proxies.add(p);
        return p;
    }

    private static JsonNode backend(ProxyServer p) {
        try {
            return json(Fixture.get(p.adminPort(), "/api/backends")).path("backends").get(0);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Endpoint address → state as {@code p} serves it now. */
    private static Map<String, String> states(ProxyServer p) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode e : backend(p).path("endpoints")) {
            out.put(e.path("address").asText(), e.path("state").asText());
        }
        return out;
    }

    private static HttpResponse<String> post(ProxyServer p, String op, ControlledBackend e, String extra)
            throws Exception {
        return send(p.adminPort(), "POST", "/api/backends/monolith/" + op,
                "{\"endpoint\":\"http://" + e.address() + "\",\"reason\":\"" + op + " " + e.name + "\"" + extra + "}",
                "Authorization", OPERATOR);
    }

    /** Milliseconds from {@code since} until every proxy's endpoints satisfy {@code ok}; fails after 1 s. */
    private long untilAll(List<ProxyServer> fleet, Predicate<Map<String, String>> ok, long since, String what) {
        long deadline = since + TimeUnit.MILLISECONDS.toNanos(BOUND_MS);
        for (ProxyServer p : fleet) {
            while (!ok.test(states(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("proxy on " + p.port() + " does not show " + what + " 1 s after the change: "
                            + states(p));
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    private static void traffic(List<ProxyServer> fleet, int perProxy) throws Exception {
        for (ProxyServer p : fleet) {
            for (int i = 0; i < perProxy; i++) {
                Http1.Reply r = Http1.get(p.port(), "/api/things/" + i);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            }
        }
    }

    @Test
    void drainRemoveAndAddThroughOneProxyReachEveryProxyWithinOneSecondAndTrafficFollows() throws Exception {
        List<ProxyServer> fleet = List.of(start("a", jdbcUrl), start("b", jdbcUrl), start("c", jdbcUrl));
        String ep0 = eps.get(0).address().toString();
        String ep1 = eps.get(1).address().toString();
        String ep2 = eps.get(2).address().toString();
        traffic(fleet, 10);
        assertThat(eps.get(0).answered.get()).isPositive();

        HttpResponse<String> drain = post(fleet.get(0), "drain", eps.get(0), "");
        assertThat(drain.statusCode()).as(drain.body()).isEqualTo(200);
        long drained = untilAll(fleet, s -> "draining".equals(s.get(ep0)), System.nanoTime(), ep0 + " draining");
        int ep0Before = eps.get(0).answered.get();
        traffic(fleet, 20);
        assertThat(eps.get(0).answered.get()).as("a draining endpoint gets no new requests").isEqualTo(ep0Before);

        HttpResponse<String> remove = post(fleet.get(1), "remove", eps.get(0), "");
        assertThat(remove.statusCode()).as(remove.body()).isEqualTo(200);
        long removed = untilAll(fleet, s -> !s.containsKey(ep0) && s.containsKey(ep1), System.nanoTime(), ep0 + " removed");

        HttpResponse<String> add = post(fleet.get(2), "add", eps.get(2), "");
        assertThat(add.statusCode()).as(add.body()).isEqualTo(200);
        long added = untilAll(fleet, s -> "healthy".equals(s.get(ep2)) && s.size() == 2, System.nanoTime(), ep2 + " added");
        traffic(fleet, 30);
        assertThat(eps.get(0).answered.get()).as("a removed endpoint gets no requests").isEqualTo(ep0Before);
        assertThat(eps.get(2).answered.get()).as("an added endpoint takes traffic on every proxy").isPositive();
        for (ProxyServer p : fleet) {
            assertThat(backend(p).path("endpointsVersion").asLong()).isEqualTo(3);
        }
        System.out.printf("endpoint change propagation to 3 proxies: drain %d ms, remove %d ms, add %d ms%n",
                drained, removed, added);

        // A writer that read version 2 lost the race: 409 with the backend as committed now, nothing changed.
        HttpResponse<String> stale = post(fleet.get(0), "drain", eps.get(1), ",\"expectedVersion\":2");
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(json(stale).path("backend").path("endpointsVersion").asLong()).isEqualTo(3);
        assertThat(json(stale).path("message").asText()).contains("version 3, not 2");
        assertThat(states(fleet.get(1)).get(ep1)).isEqualTo("healthy");

        JsonNode audit = json(send(fleet.get(1).adminPort(), "GET", "/api/audit?route=backend:monolith", null,
                "Authorization", OPERATOR)).path("entries");
        assertThat(audit.findValuesAsText("action")).containsExactly("drain-endpoint", "remove-endpoint", "add-endpoint");
        assertThat(audit.findValuesAsText("actor")).containsOnly("oncall");
        assertThat(audit.findValuesAsText("reason")).containsExactly("drain ep-0", "remove ep-0", "add ep-2");
    }

    @Test
    void aProxyStartingWhileTheDatabaseIsDownUsesItsCachedEndpoints() throws Exception {
        ProxyServer a = start("a", jdbcUrl);
        assertThat(post(a, "add", eps.get(2), "").statusCode()).isEqualTo(200);
        assertThat(post(a, "remove", eps.get(0), "").statusCode()).isEqualTo(200);
        a.close();
        proxies.remove(a);

        // Same state dir (its cache), a control plane that refuses connections.
        ProxyServer again = start("a", "jdbc:postgresql://127.0.0.1:1/nowhere?user=proxy");
        assertThat(states(again).keySet()).containsExactly(eps.get(1).address().toString(), eps.get(2).address().toString());
        assertThat(backend(again).path("endpointsVersion").asLong()).isEqualTo(2);
        traffic(List.of(again), 20);
        assertThat(eps.get(0).answered.get()).isZero();
        assertThat(eps.get(2).answered.get()).isPositive();
        HttpResponse<String> refused = post(again, "drain", eps.get(1), "");
        assertThat(refused.statusCode()).as("no change without the control plane").isEqualTo(503);
    }

    @Test
    void withoutAControlPlaneTheStateFileKeepsEndpointChangesAcrossARestart() throws Exception {
        ProxyServer p = start("solo", null);
        HttpResponse<String> set = send(p.adminPort(), "PUT", "/api/backends/monolith/endpoints",
                "{\"endpoints\":[\"http://" + eps.get(1).address() + "\",\"http://" + eps.get(2).address()
                        + "\"],\"reason\":\"task replaced\"}", "Authorization", OPERATOR);
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(post(p, "drain", eps.get(1), "").statusCode()).isEqualTo(200);
        p.close();
        proxies.remove(p);

        ProxyServer again = start("solo", null);
        Map<String, String> s = states(again);
        assertThat(s).containsExactly(Map.entry(eps.get(1).address().toString(), "draining"),
                Map.entry(eps.get(2).address().toString(), "healthy"));
        assertThat(backend(again).path("endpointsVersion").asLong()).isEqualTo(2);
        traffic(List.of(again), 10);
        assertThat(eps.get(0).answered.get() + eps.get(1).answered.get()).isZero();
        assertThat(eps.get(2).answered.get()).isEqualTo(10);
    }

    @Test
    void aChangeCommittedWithoutANotificationIsPickedUpOnReconnect() throws Exception {
        List<ProxyServer> fleet = List.of(start("a", jdbcUrl), start("b", jdbcUrl));
        String ep2 = eps.get(2).address().toString();
        // Written behind the proxies' backs: no NOTIFY, so only the re-read after a reconnect can find it.
        String db = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1, jdbcUrl.indexOf('?'));
        try (var c = pg.dataSource(db, 1).getConnection(); var st = c.createStatement()) {
            st.execute("INSERT INTO control_backend VALUES ('monolith', '[\"" + ep2 + "\"]', '[]', 7, now(), 'sql')");
        }
        assertThat(states(fleet.get(0))).doesNotContainKey(ep2);
        pg.restart();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // reconnect backoff is at most 5 s
        for (ProxyServer p : fleet) {
            while (!states(p).keySet().equals(java.util.Set.of(ep2))) {
                assertThat(System.nanoTime()).as("proxy " + p.port() + " re-read the endpoints after reconnecting: "
                        + states(p)).isLessThan(deadline);
                LockSupport.parkNanos(20_000_000);
            }
            assertThat(backend(p).path("endpointsVersion").asLong()).isEqualTo(7);
        }
        traffic(fleet, 5);
        assertThat(eps.get(2).answered.get()).isEqualTo(10);
    }
}
