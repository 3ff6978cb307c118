package dev.strangler.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.cli.CliRun;
import dev.strangler.cli.CliRun.Result;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.proxy.AdminToken;
import dev.strangler.proxy.ControlPlaneConfig;
import dev.strangler.proxy.HostPort;
import dev.strangler.proxy.ProxyConfig;
import dev.strangler.proxy.ProxyServer;
import dev.strangler.proxy.StateConfig;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strangler rollback} against one proxy of a fleet reaches every proxy through the control
 * plane; {@code strangler proxy} picks the control-plane database by flag, environment, config.
 */
class ControlPlaneCliIT {

    private static final String SECRET = "operator-secret-1";
    private static LocalPostgres pg;

    @TempDir
    Path home;
    @TempDir
    Path state;
    private final List<ProxyServer> fleet = new ArrayList<>();

    @BeforeAll
    static void startDatabase() {
        pg = LocalPostgres.start();
    }

    @AfterAll
    static void stopDatabase() {
        pg.close();
    }

    @AfterEach
    void stopFleet() {
        fleet.forEach(ProxyServer::close);
    }

    private ProxyServer proxy(String name, String jdbcUrl) {
        ProxyConfig config = ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0))
                .threads(1)
                .adminListen(new HostPort("127.0.0.1", 0))
                .token(new AdminToken("oncall", SECRET, AdminToken.Role.OPERATOR))
                .backend("monolith", new HostPort("127.0.0.1", 1)) // never called: the test only reads tables
                .backend("appointments", new HostPort("127.0.0.1", 2))
                .route(new Route("appointments", RouteMatch.prefix("/api/appointments"), "monolith", "appointments",
                        0, null, null))
                .route(new Route("rest", RouteMatch.prefix("/"), "monolith", null, 0, null, null))
                .state(StateConfig.in(state.resolve(name)))
                .controlPlane(ControlPlaneConfig.OFF.withJdbcUrl(jdbcUrl))
                .shutdownGrace(Duration.ofSeconds(1))
                .build();
        ProxyServer p = ProxyServer.start(config, new SimpleMeterRegistry(), Clock.systemUTC());
        fleet.add(p);
        return p;
    }

    private static long millisUntilWeight(ProxyServer p, int weightBps, long sinceNanos) {
        long deadline = sinceNanos + TimeUnit.SECONDS.toNanos(10);
        while (p.routes().route("appointments").orElseThrow().weightBps() != weightBps) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("proxy " + p.adminPort() + " never got weight " + weightBps);
            }
            LockSupport.parkNanos(100_000);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    }

    @Test
    void rollbackThroughTheCliAgainstOneProxyReachesTheWholeFleet() {
        String url = pg.createDatabase("ctl_cli_rollback").jdbcUrl("ctl_cli_rollback");
        ProxyServer a = proxy("a", url);
        ProxyServer b = proxy("b", url);
        ProxyServer c = proxy("c", url);
        CliRun cli = new CliRun(home).env("STRANGLER_TOKEN", SECRET);

        Result set = cli.run("routes", "set-weight", "appointments", "40%", "--reason", "ramp",
                "--admin", "http://127.0.0.1:" + a.adminPort());
        assertThat(set.exit()).as(set.toString()).isZero();
        long setAt = System.nanoTime();
        for (ProxyServer p : List.of(a, b, c)) {
            assertThat(millisUntilWeight(p, 4000, setAt)).isLessThan(1000);
        }

        Result rb = cli.run("rollback", "appointments", "--reason", "incident 4711",
                "--admin", "http://127.0.0.1:" + b.adminPort());
        long returned = System.nanoTime();

        assertThat(rb.exit()).as(rb.toString()).isZero();
        assertThat(rb.out()).contains("appointments  40%     0%");
        for (ProxyServer p : List.of(a, b, c)) {
            assertThat(millisUntilWeight(p, 0, returned)).as("proxy %d", p.adminPort()).isLessThan(1000);
        }
        Result audit = cli.run("audit", "--limit", "5", "--admin", "http://127.0.0.1:" + c.adminPort());
        assertThat(audit.exit()).as(audit.toString()).isZero();
        assertThat(audit.out()).contains("incident 4711").contains("ramp");
    }

    @Test
    void staleExpectedVersionFailsWith409AndADatabaseOutageWith503() {
        String url = pg.createDatabase("ctl_cli_errors").jdbcUrl("ctl_cli_errors");
        ProxyServer a = proxy("a", url);
        ProxyServer b = proxy("b", url);
        CliRun cli = new CliRun(home).env("STRANGLER_TOKEN", SECRET);
        String adminA = "http://127.0.0.1:" + a.adminPort();
        String adminB = "http://127.0.0.1:" + b.adminPort();

        Result first = cli.run("routes", "set-weight", "appointments", "10%", "--expected-version", "1", "--admin", adminA);
        assertThat(first.exit()).as(first.toString()).isZero();
        Result stale = cli.run("routes", "set-weight", "appointments", "90%", "--expected-version", "1", "--admin", adminB);
        assertThat(stale.exit()).isEqualTo(1);
        assertThat(stale.err()).isEqualTo("strangler: the admin API refused PUT /api/routes/appointments/weight"
                + " (409 conflict): route 'appointments' is at version 2, not 1 (someone changed it first;"
                + " read it again and retry with the new version)\n");

        pg.stop();
        try {
            Result down = cli.run("rollback", "appointments", "--reason", "db down", "--admin", adminB);
            assertThat(down.exit()).isEqualTo(1);
            assertThat(down.err()).startsWith("strangler: the admin API failed on POST /api/rollback (503):"
                    + " control plane unreachable (").contains("change not applied on any proxy");
            assertThat(a.routes().route("appointments").orElseThrow().weightBps()).isEqualTo(1000);
            assertThat(b.routes().route("appointments").orElseThrow().weightBps()).isEqualTo(1000);
        } finally {
            pg.resume();
        }
    }

    @Test
    void controlDbFlagBeatsEnvironmentWhichBeatsTheConfigKey() throws Exception {
        Path yaml = state.resolve("strangler.yaml");
        Files.writeString(yaml, """
                backends:
                  monolith: http://127.0.0.1:8081
                routes:
                  - id: everything
                    match: { pathPrefix: / }
                    legacy: monolith
                controlPlane:
                  jdbcUrl: jdbc:postgresql://from-config/strangler?user=proxy
                """);
        CliRun cli = new CliRun(home);
        assertThat(cli.run("proxy", "--config", yaml.toString(), "--check").out())
                .contains("control plane jdbc:postgresql://from-config/strangler?user=proxy");
        cli.env(ProxyCommand.CONTROL_DB_ENV, "jdbc:postgresql://from-env/strangler?user=proxy&password=s3cret99");
        Result env = cli.run("proxy", "--config", yaml.toString(), "--check");
        assertThat(env.out()).contains("control plane jdbc:postgresql://from-env/strangler?user=proxy&password=****")
                .doesNotContain("s3cret99");
        assertThat(cli.run("proxy", "--config", yaml.toString(), "--check",
                "--control-db", "jdbc:postgresql://from-flag/strangler").out())
                .contains("control plane jdbc:postgresql://from-flag/strangler");

        Result bad = cli.run("proxy", "--config", yaml.toString(), "--check", "--control-db", "postgres://db/x");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("strangler proxy: --control-db: 'postgres://db/x'"
                + " (expected: jdbc:postgresql://host:port/database?user=NAME)\n");
    }

    @Test
    void endpointChangesThroughTheCliReachTheWholeFleetAndBadOnesSayWhy() {
        String url = pg.createDatabase("ctl_cli_backends").jdbcUrl("ctl_cli_backends");
        ProxyServer a = proxy("a", url);
        ProxyServer b = proxy("b", url);
        CliRun cli = new CliRun(home).env("STRANGLER_TOKEN", SECRET);

        Result add = cli.run("backends", "add", "monolith", "http://127.0.0.1:3", "--reason", "scale out",
                "--admin", "http://127.0.0.1:" + a.adminPort());
        assertThat(add.exit()).as(add.toString()).isZero();
        assertThat(add.out().strip()).isEqualTo("monolith: 127.0.0.1:1 healthy, 127.0.0.1:3 healthy (endpoints version 1)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        Result list;
        do {
            list = cli.run("backends", "list", "--admin", "http://127.0.0.1:" + b.adminPort());
            assertThat(System.nanoTime()).as("proxy b shows the added endpoint within 1 s: " + list).isLessThan(deadline);
        } while (!list.out().contains("127.0.0.1:3"));
        assertThat(list.out()).contains("monolith      127.0.0.1:3").contains("BACKEND");

        Result stale = cli.run("backends", "drain", "monolith", "http://127.0.0.1:1", "--expected-version", "0",
                "--admin", "http://127.0.0.1:" + b.adminPort());
        assertThat(stale.exit()).as(stale.toString()).isNotZero();
        assertThat(stale.err()).contains("version 1, not 0");
        Result unknown = cli.run("backends", "remove", "monolith", "http://127.0.0.1:9",
                "--admin", "http://127.0.0.1:" + b.adminPort());
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.err()).contains("has no endpoint 127.0.0.1:9").contains("known: 127.0.0.1:1, 127.0.0.1:3");
    }
}
