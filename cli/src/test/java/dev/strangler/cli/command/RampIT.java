package dev.strangler.cli.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.strangler.cli.CliEnvironment;
import dev.strangler.cli.CliRun;
import dev.strangler.cli.CliRun.Result;
import dev.strangler.cli.Main;
import dev.strangler.proxy.ProxyConfig;
import dev.strangler.proxy.ProxyConfigLoader;
import dev.strangler.proxy.ProxyServer;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.ShadowComparator;
import dev.strangler.shadow.ShadowExchange;
import dev.strangler.shadow.ShadowResponse;
import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.redact.RedactionConfig;
import dev.strangler.shadow.noise.NoiseRule;
import dev.strangler.shadow.store.DiffQueries;
import dev.strangler.shadow.store.DiffStore;
import dev.strangler.shadow.store.DiffStoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strangler ramp} against a real proxy ({@link ProxyServer}, ephemeral ports, Prometheus
 * metrics as in production) in front of two small real HTTP backends, with live traffic from a
 * background client. Holds are a couple of seconds and gates are checked every 500 ms, so the
 * whole class runs in well under a minute.
 */
class RampIT {
    static final String TOKEN = "ramp-it-operator-secret";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    HttpServer legacy;
    HttpServer target;
    ProxyServer proxy;
    final AtomicBoolean targetFails = new AtomicBoolean();
    /** Target answers 500 once the route's weight reaches this (basis points); never when 0. */
    volatile int failFromBps;
    Traffic traffic;

    @BeforeEach
    void start() throws IOException {
        legacy = backend("legacy", () -> false);
        target = backend("target", () -> failFromBps > 0 && weight() >= failFromBps);
        String yaml = """
                listen: 127.0.0.1:0
                threads: 1
                admin:
                  listen: 127.0.0.1:0
                  tokens:
                    oncall: %s
                backends:
                  monolith: http://127.0.0.1:%d
                  appointments: http://127.0.0.1:%d
                routes:
                  - id: appointments
                    match: { pathPrefix: /api/appointments }
                    legacy: monolith
                    target: appointments
                    weightBps: 0
                state:
                  dir: state
                shutdownGrace: 1s
                """.formatted(TOKEN, legacy.getAddress().getPort(), target.getAddress().getPort());
        ProxyConfig config = ProxyConfigLoader.parse(new StringReader(yaml), "it.yaml", dir, name -> null);
        proxy = ProxyServer.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC());
        traffic = new Traffic(proxy.port());
    }

    @AfterEach
    void stop() throws Exception {
        if (traffic != null) {
            traffic.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        legacy.stop(0);
        target.stop(0);
    }

    int weight() {
        return proxy.routes().route("appointments").orElseThrow().weightBps();
    }

    CliRun cli() {
        return new CliRun(dir.resolve("home")).env("STRANGLER_ADMIN_URL", "http://127.0.0.1:" + proxy.adminPort())
                .env("STRANGLER_TOKEN", TOKEN);
    }

    /** The route's audit entries, oldest first. */
    List<JsonNode> audit() throws Exception {
        Result r = cli().run("audit", "--route", "appointments", "--limit", "1000", "-o", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        return StreamSupport.stream(JSON.readTree(r.out()).path("entries").spliterator(), false).toList();
    }

    static List<String> actions(List<JsonNode> entries) {
        return entries.stream().map(e -> e.path("action").asText()).toList();
    }

    static final String[] SHORT = {"--hold", "2s", "--check-interval", "500ms", "--max-wait", "30s", "--min-requests", "5",
            "--p99-floor", "500ms"};

    static String[] args(String... more) {
        List<String> a = new ArrayList<>(List.of("ramp", "appointments"));
        a.addAll(List.of(SHORT));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void passesEveryStepOnAHealthyTarget() throws Exception {
        Result r = cli().run(args("--steps", "10,50,100", "--reason", "IT healthy"));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(weight()).isEqualTo(10_000);
        assertThat(r.out()).contains("step 1/3: 10%", "step 3/3: 100%", "[2/3 50%]", "errorRatio 0.00% ≤ 1.00% ok",
                "complete: 100% on appointments after 3 steps");
        List<JsonNode> audit = audit();
        assertThat(actions(audit)).containsExactly("ramp-start", "ramp-step", "set-weight", "ramp-step", "set-weight",
                "ramp-step", "set-weight", "ramp-complete");
        JsonNode complete = audit.get(audit.size() - 1);
        assertThat(complete.path("details").path("gates").path("errorRatio").path("state").asText()).isEqualTo("pass");
        assertThat(complete.path("details").path("gates").path("p99").path("state").asText()).isEqualTo("pass");
        assertThat(audit.get(0).path("details").path("plan").path("steps").toString()).isEqualTo("[\"10%\",\"50%\",\"100%\"]");
        assertThat(traffic.failures()).isZero();
    }

    @Test
    void targetFailingAt25PercentIsRolledBackAtTheFirstCheckAndTheAuditNamesTheGate() throws Exception {
        failFromBps = 2500;

        Result r = cli().run(args("--steps", "5,25,50,100"));

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(weight()).isZero();
        assertThat(r.err().strip()).hasLineCount(1)
                .startsWith("strangler: ramp #1 of appointments rolled back to 0% at step 2/4 (25%): gate errorRatio ")
                .contains("> bound 1.");
        List<JsonNode> audit = audit();
        assertThat(actions(audit)).containsExactly("ramp-start", "ramp-step", "set-weight", "ramp-step", "set-weight",
                "rollback", "ramp-gate-failed");
        JsonNode failed = audit.get(audit.size() - 1).path("details");
        assertThat(failed.path("gate").asText()).isEqualTo("errorRatio");
        assertThat(failed.path("step").asInt()).isEqualTo(1);
        assertThat(failed.path("value").asDouble()).isGreaterThan(0.5); // the target answers only 500s now
        // Rolled back at the first check that had enough requests for a verdict (earlier checks only waited).
        assertThat(failed.path("passedBefore").asInt()).as("checks the gate passed at 25% before failing").isZero();
        assertThat(failed.path("checks").asInt()).isPositive();
        assertThat(failed.path("gates").path("errorRatio").path("note").asText()).contains("5xx");
    }

    @Test
    void realFieldDifferenceFailsTheMismatchGateWhileNoiseIsDiscounted() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start().createDatabase("diffs");
             DiffStore store = new DiffStore(pg.dataSource("diffs"), DiffStoreConfig.defaults()
                     .withFlushInterval(Duration.ofMillis(200)), Clock.systemUTC(), new SimpleMeterRegistry());
             ShadowComparator comparator = ShadowComparator.builder().meters(new SimpleMeterRegistry()).sink(store)
                     .redaction(RedactionConfig.builder().hmacKey("ramp-it-key-0123456789").build())
                     .routes(List.of(ShadowRouteConfig.builder("appointments").build())).build();
             Mirror mirror = new Mirror(comparator)) {
            DiffQueries queries = new DiffQueries(pg.dataSource("diffs"), new NoiseRule(2.0, 0.05));
            await("the first comparisons in the diff store", Duration.ofSeconds(60),
                    () -> queries.report("appointments", Instant.now().minusSeconds(3600), 0).comparisons() >= 10);

            Result r = cli().run(args("--steps", "10,100", "--diff-db", pg.jdbcUrl("diffs"), "--max-mismatch-ratio", "0.05",
                    "--min-comparisons", "10"));

            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(weight()).isZero();
            assertThat(r.err()).as("diff store now: %s", queries.report("appointments", Instant.now().minusSeconds(3600), 3))
                    .contains("at step 1/2 (10%): gate mismatch ").contains("top field /status");
            JsonNode failed = audit().get(audit().size() - 1);
            assertThat(failed.path("action").asText()).isEqualTo("ramp-gate-failed");
            assertThat(failed.path("details").path("gate").asText()).isEqualTo("mismatch");
            assertThat(failed.path("details").path("value").asDouble()).isGreaterThan(0.05);
            assertThat(failed.path("details").path("note").asText()).doesNotContain("/updatedAt"); // noise: discounted
        }
    }

    /**
     * Compares what the monolith and the new service answer for the same booking, as the proxy's
     * mirroring would, through the real comparator and diff store: every answer carries a fresh
     * {@code updatedAt} (noise: the monolith differs from itself), and one in three of the new
     * service's answers has a different {@code status} (a real difference).
     */
    static final class Mirror implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;
        private volatile RuntimeException died;

        Mirror(ShadowComparator comparator) {
            thread = new Thread(() -> {
                long n = 0;
                while (running) {
                    n++;
                    try {
                        comparator.compare(ShadowExchange.builder("appointments").request("GET", "/api/appointments/" + n, "")
                                .requestHeaders(HttpHeaders.builder().add("Accept", "application/json").build())
                                .primary(booking("BOOKED"))
                                .secondPrimary(booking("BOOKED"))
                                .shadow(booking(n % 3 == 0 ? "CANCELLED" : "BOOKED"))
                                .build());
                    } catch (RuntimeException e) {
                        died = e; // reported by close(): a dead mirror must not look like a quiet one
                        return;
                    }
                    try {
                        Thread.sleep(20); // ~50 comparisons/s, like a modest mirrored rate
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "ramp-it-mirror");
            thread.setDaemon(true);
            thread.start();
        }

        private static ShadowResponse booking(String status) {
            String body = "{\"status\":\"" + status + "\",\"updatedAt\":\"" + System.nanoTime() + "\"}";
            return ShadowResponse.of(200, HttpHeaders.builder().add("Content-Type", "application/json").build(),
                    body.getBytes(UTF_8));
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(10_000);
            if (died != null) {
                throw new AssertionError("the mirror thread died", died);
            }
        }
    }

    /**
     * The ramp runs in a separate JVM that is killed with SIGKILL mid-hold: the real failure
     * (a laptop dies, an OOM kill) runs no finally blocks and no shutdown hooks, which a thread we
     * merely abandon could not show — its admin client and JVM would live on. The resumed ramp
     * (in-process) must continue from the step the audit log says, not start over, and finish.
     */
    @Test
    void resumeAfterTheRampProcessIsKilledContinuesFromTheLoggedStep() throws Exception {
        Path log = dir.resolve("ramp-child.log");
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Duser.home=" + dir.resolve("home"), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "ramp", "appointments", "--steps", "10,50,100", "--hold", "3s", "--check-interval", "500ms",
                "--min-requests", "5", "--p99-floor", "500ms")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        child.environment().put("STRANGLER_ADMIN_URL", "http://127.0.0.1:" + proxy.adminPort());
        child.environment().put("STRANGLER_TOKEN", TOKEN);
        Process p = child.start();
        try {
            // Kill once checks are running (normally while step 1 holds; the assertions hold for any step).
            await("the child ramp at 10% with checks running", Duration.ofSeconds(60),
                    () -> weight() == 1000 && java.nio.file.Files.exists(log) && readQuietly(log).contains("[1/3 10%]"));
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        List<JsonNode> before = audit();
        JsonNode lastStep = before.stream().filter(e -> e.path("action").asText().equals("ramp-step"))
                .reduce((a, b) -> b).orElseThrow();
        int k = lastStep.path("details").path("step").asInt();
        String[] weights = {"10%", "50%", "100%"};
        assertThat(weight()).as("nobody rolled back: the route stays where the dead ramp left it")
                .isIn(k == 0 ? List.of(0, 1000) : List.of(k == 1 ? 1000 : 5000, k == 1 ? 5000 : 10_000));
        Result status = cli().run("ramp", "status", "appointments");
        assertThat(status.out()).contains("ramp #1 of appointments: running, step " + (k + 1) + "/3 (" + weights[k] + ")",
                "--resume");
        Result again = cli().run(args("--steps", "10,100"));
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("has an unfinished ramp (#1").contains("--resume");

        Result resumed = cli().run("ramp", "appointments", "--resume", "--reason", "laptop died");

        assertThat(resumed.exit()).as(resumed.toString()).isZero();
        assertThat(resumed.out()).contains("resuming ramp #1 of appointments at step " + (k + 1) + "/3 (" + weights[k] + ")")
                .contains("complete");
        assertThat(weight()).isEqualTo(10_000);
        List<JsonNode> audit = audit();
        List<JsonNode> after = audit.subList(before.size(), audit.size());
        List<String> expected = new ArrayList<>(List.of("ramp-resume"));
        for (int i = k; i < 3; i++) {
            expected.addAll(List.of("ramp-step", "set-weight"));
        }
        expected.add("ramp-complete");
        assertThat(actions(after)).containsExactlyElementsOf(expected);
        assertThat(after.get(0).path("reason").asText()).isEqualTo("laptop died");
        assertThat(after.get(1).path("details").path("step").asInt()).as("resumed on the logged step").isEqualTo(k);
        assertThat(after.get(after.size() - 3).path("details").path("text").asText()).isEqualTo("100%");
        // The plan it started with (3 s holds, not the 10 m default) came back from ramp-start.
        assertThat(Duration.between(Instant.parse(after.get(1).path("time").asText()),
                Instant.parse(after.get(after.size() - 1).path("time").asText())))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(3L * (3 - k)));
        assertThat(RampStatusOut.of(cli().run("ramp", "status", "appointments"))).contains("complete");
    }

    static String readQuietly(Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    static final class RampStatusOut {
        static String of(Result r) {
            assertThat(r.exit()).as(r.toString()).isZero();
            return r.out();
        }
    }

    @Test
    void pauseStopsTheHoldClockAndAbortRollsBack() throws Exception {
        StringWriter out = new StringWriter(); // StringWriter is synchronized: read live while the ramp writes
        StringWriter err = new StringWriter();
        AtomicLong exit = new AtomicLong(-1);
        Thread ramp = new Thread(() -> exit.set(Main.newCommandLine(new CliEnvironment(java.util.Map.of(
                        "STRANGLER_ADMIN_URL", "http://127.0.0.1:" + proxy.adminPort(), "STRANGLER_TOKEN", TOKEN), dir.resolve("home")))
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args("--steps", "10,100"))), "ramp-it-ramp");
        ramp.start();
        await("step 1 at 10%", Duration.ofSeconds(30), () -> weight() == 1000);

        Result pause = cli().run("ramp", "pause", "appointments", "--reason", "checking dashboards");
        assertThat(pause.exit()).as(pause.toString()).isZero();
        assertThat(pause.out()).contains("ramp #1 of appointments: pause requested");
        // Eight paused checks at 500 ms = 4 s, twice the 2 s hold: a running clock would have moved on to 100%.
        await("eight paused checks", Duration.ofSeconds(60),
                () -> out.toString().split("PAUSED by oncall: checking dashboards", -1).length > 8);
        assertThat(weight()).isEqualTo(1000);
        assertThat(cli().run("ramp", "status", "appointments").out()).contains("ramp #1 of appointments: paused, step 1/2 (10%)");

        Result abort = cli().run("ramp", "abort", "appointments", "--reason", "pager");
        assertThat(abort.exit()).as(abort.toString()).isZero();
        assertThat(abort.out()).isEqualTo("ramp #1 of appointments aborted; route at 0% (was 10%)\n");
        ramp.join(30_000);

        assertThat(exit.get()).isEqualTo(1);
        assertThat(weight()).isZero();
        assertThat(err.toString()).contains("ramp #1 of appointments aborted by oncall: pager at step 1/2");
        assertThat(actions(audit())).containsExactly("ramp-start", "ramp-step", "set-weight", "ramp-pause", "ramp-abort",
                "rollback");
        assertThat(cli().run("ramp", "status", "appointments").out()).contains("aborted");
        Result noRamp = cli().run("ramp", "pause", "appointments");
        assertThat(noRamp.exit()).isEqualTo(1);
        assertThat(noRamp.err()).contains("has no unfinished ramp (last ramp: aborted)");
    }

    /** Serves {"side":NAME}, or 500 while {@code failing} says so. */
    static HttpServer backend(String name, BooleanSupplier failing) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            boolean fail = failing.getAsBoolean();
            byte[] body = (fail ? "{\"error\":\"boom\"}" : "{\"side\":\"" + name + "\"}").getBytes(UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(fail ? 500 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
        server.start();
        return server;
    }

    /** Simulated patients booking through the proxy, one request after another, each with its own sticky key. */
    static final class Traffic implements AutoCloseable {
        private final Thread thread;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();

        Traffic(int port) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            thread = new Thread(() -> {
                while (running.get()) {
                    long n = sent.incrementAndGet();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/api/appointments/" + n))
                                .header("X-Patient-Id", "p-" + n).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() >= 500) {
                            failures.incrementAndGet();
                        }
                        Thread.sleep(2); // ~300 requests/s at most: enough for every gate, light on 2 cores
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "ramp-it-traffic");
            thread.setDaemon(true);
            thread.start();
        }

        long failures() {
            return failures.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        dev.strangler.cli.Await.await(timeout, condition, () -> "timed out after " + timeout + " waiting for " + what);
    }
}
