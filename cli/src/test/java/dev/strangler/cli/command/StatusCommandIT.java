package dev.strangler.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.cli.CliRun;
import dev.strangler.cli.CliRun.Result;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.proxy.ProxyConfig;
import dev.strangler.proxy.ProxyConfigLoader;
import dev.strangler.proxy.ProxyServer;
import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.ShadowComparator;
import dev.strangler.shadow.ShadowExchange;
import dev.strangler.shadow.ShadowResponse;
import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.redact.RedactionConfig;
import dev.strangler.shadow.store.DiffStore;
import dev.strangler.shadow.store.DiffStoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strangler status} against a live proxy, a real diff store and real CDC databases. */
class StatusCommandIT {
    private static final String TOKEN = "it-operator-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static LocalPostgres pg;
    private static ProxyServer proxy;
    private static String diffDb;
    private static String legacyDb;
    private static String newDb;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.start();
        diffDb = pg.createDatabase("status_diffs").jdbcUrl("status_diffs");
        legacyDb = pg.createDatabase("status_legacy").jdbcUrl("status_legacy");
        newDb = pg.createDatabase("status_new").jdbcUrl("status_new");
        DataSource ds = pg.dataSource("status_diffs");
        try (DiffStore store = new DiffStore(ds, DiffStoreConfig.defaults(), Clock.systemUTC(), new SimpleMeterRegistry());
                ShadowComparator comparator = ShadowComparator.builder().meters(new SimpleMeterRegistry()).sink(store)
                        .redaction(RedactionConfig.builder().hmacKey("status-it-key-0123456789").build())
                        .routes(List.of(ShadowRouteConfig.builder("appointments").build())).build()) {
            store.saveRouteConfig(comparator.routeConfig("appointments").orElseThrow());
            for (int i = 0; i < 3; i++) {
                comparator.compare(exchange("BOOKED"));
            }
            comparator.compare(exchange("CANCELLED"));
            store.flush().get(10, TimeUnit.SECONDS);
        }
        String yaml = """
                listen: 127.0.0.1:0
                threads: 1
                admin:
                  listen: 127.0.0.1:0
                  tokens: { oncall: %s }
                backends:
                  monolith: http://127.0.0.1:9
                  appointments: http://127.0.0.1:9
                routes:
                  - id: appointments
                    match: { pathPrefix: /api/appointments }
                    legacy: monolith
                    target: appointments
                    weightBps: 2500
                state: { dir: state }
                shutdownGrace: 1s
                """.formatted(TOKEN);
        ProxyConfig config = ProxyConfigLoader.parse(new StringReader(yaml), "it.yaml", dir, n -> null);
        proxy = ProxyServer.start(config, new SimpleMeterRegistry(), Clock.systemUTC());
        proxy.controller().setWeight("oncall", "appointments", 2500, "ramp step 3");
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static ShadowExchange exchange(String shadowStatus) {
        return ShadowExchange.builder("appointments").request("GET", "/appointments/7", "")
                .requestHeaders(HttpHeaders.builder().add("Accept", "application/json").build())
                .primary(json("{\"status\":\"BOOKED\"}")).shadow(json("{\"status\":\"" + shadowStatus + "\"}")).build();
    }

    private static ShadowResponse json(String body) {
        return ShadowResponse.of(200, HttpHeaders.builder().add("Content-Type", "application/json").build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static CliRun cli(String adminUrl) {
        return new CliRun(dir.resolve("home")).env("STRANGLER_ADMIN_URL", adminUrl).env("STRANGLER_TOKEN", TOKEN);
    }

    private static String admin() {
        return "http://127.0.0.1:" + proxy.adminPort();
    }

    @Test
    void everySourceOnOneScreen() {
        Result r = cli(admin()).run("status", "--diff-db", diffDb, "--legacy-db", legacyDb, "--new-db", newDb,
                "--slot", "never_ran");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("appointments  monolith  appointments  25%")
                .contains("BACKEND", "CIRCUIT").containsPattern("appointments +closed +1 +1")
                .contains("recent audit entries:", "set-weight", "ramp step 3")
                .contains("appointments: 4 compared, 75.00% match")
                .contains("cdc never_ran (forward): NO_SLOT");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void onlyTheProxyWhenNothingElseIsConfigured() {
        Result r = cli(admin()).run("status");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("25%", "shadow: not configured", "cdc: not configured");
    }

    @Test
    void anUnreachableSourceIsOneLineAndTheRestStillShowsWithExitOne() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Result r = cli("http://127.0.0.1:" + closedPort).run("status", "--diff-db", diffDb,
                "--legacy-db", legacyDb, "--new-db", newDb, "--slot", "never_ran", "--timeout", "2s");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out().lines().filter(l -> l.startsWith("proxy: unavailable: cannot reach"))).hasSize(1);
        assertThat(r.out()).contains("appointments: 4 compared", "cdc never_ran (forward)");

        String badDb = newDb.replaceFirst("/status_new", "/no_such_db");
        Result cdcDown = cli(admin()).run("status", "--legacy-db", legacyDb, "--new-db", badDb, "--slot", "never_ran");
        assertThat(cdcDown.exit()).as(cdcDown.toString()).isEqualTo(1);
        assertThat(cdcDown.out()).contains("25%", "cdc: unavailable: ");
    }

    @Test
    void jsonHasEverySection() throws Exception {
        Result r = cli(admin()).run("status", "--diff-db", diffDb, "--output", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.path("proxy").path("routes").path("routes").get(0).path("weightBps").asInt()).isEqualTo(2500);
        JsonNode backends = doc.path("proxy").path("backends").path("backends");
        assertThat(backends.isArray()).as("circuits from GET /api/backends").isTrue();
        assertThat(backends.findValuesAsText("circuit")).contains("closed");
        assertThat(doc.path("proxy").path("audit").size()).isPositive();
        assertThat(doc.path("shadow").path("routes").get(0).path("comparisons").asInt()).isEqualTo(4);
        assertThat(doc.path("cdc").path("configured").asBoolean()).isFalse();
        assertThat(doc.path("failures").size()).isZero();
    }

    @Test
    void halfTheCdcFlagsIsAUsageError() {
        Result r = cli(admin()).run("status", "--new-db", newDb);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("needs both --legacy-db and --new-db");
    }
}
