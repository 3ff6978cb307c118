package dev.strangler.cli.command;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import dev.strangler.cli.Main;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.ShadowComparator;
import dev.strangler.shadow.ShadowExchange;
import dev.strangler.shadow.ShadowResponse;
import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.redact.RedactionConfig;
import dev.strangler.shadow.store.DiffQueries;
import dev.strangler.shadow.store.DiffStore;
import dev.strangler.shadow.store.DiffStoreConfig;
import dev.strangler.shadow.store.EvidenceSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class ShadowCommandIT {

    private static LocalPostgres pg;
    private static javax.sql.DataSource ds;
    private static String url;
    private static long replayableId;
    private static long redactedId;

    @BeforeAll
    static void seed() throws Exception {
        pg = LocalPostgres.start();
        pg.createDatabase("diffs");
        url = pg.jdbcUrl("diffs");
        ds = pg.dataSource("diffs");
        try (DiffStore store = new DiffStore(ds, DiffStoreConfig.defaults(), Clock.systemUTC(), new SimpleMeterRegistry());
             ShadowComparator comparator = ShadowComparator.builder().meters(new SimpleMeterRegistry()).sink(store)
                     .redaction(RedactionConfig.builder().hmacKey("cli-it-key-0123456789").build())
                     .routes(List.of(ShadowRouteConfig.builder("appointments").build())).build()) {
            store.saveRouteConfig(comparator.routeConfig("appointments").orElseThrow());
            comparator.compare(exchange("/appointments/7", "", "CANCELLED"));
            comparator.compare(exchange("/appointments", "email=jane%40example.com", "MOVED"));
            comparator.compare(exchange("/appointments/8", "", "BOOKED"));
            store.flush().get(10, TimeUnit.SECONDS);
            List<EvidenceSummary> examples = new DiffQueries(ds, new dev.strangler.shadow.noise.NoiseRule(2, 0.05))
                    .examples("appointments", "/status", 10);
            replayableId = examples.stream().filter(EvidenceSummary::replayable).findFirst().orElseThrow().id();
            redactedId = examples.stream().filter(e -> !e.replayable()).findFirst().orElseThrow().id();
        }
    }

    @AfterAll
    static void stop() {
        if (pg != null) { // also closes ds
            pg.close();
        }
    }

    private static ShadowResponse json(String body) {
        return ShadowResponse.of(200, HttpHeaders.builder().add("Content-Type", "application/json").build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static ShadowExchange exchange(String path, String query, String shadowStatus) {
        return ShadowExchange.builder("appointments").request("GET", path, query)
                .requestHeaders(HttpHeaders.builder().add("Accept", "application/json").build())
                .primary(json("{\"status\":\"BOOKED\"}")).shadow(json("{\"status\":\"" + shadowStatus + "\"}")).build();
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.newCommandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void reportPrintsFiguresAsTextAndJson() {
        Run text = run("shadow", "report", "--diff-db", url, "--since", "1h");
        Run json = run("shadow", "report", "appointments", "--diff-db", url, "--output", "json");

        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("route appointments (last 1h)", "comparisons 3", "matches 1", "mismatch ratio 66.67%")
                .containsPattern("/status\\s+2\\s+66.67%\\s+CHANGED");
        assertThat(json.exit()).isZero();
        assertThat(json.out()).contains("\"route\" : \"appointments\"", "\"comparisons\" : 3", "\"field\" : \"/status\"");
    }

    @Test
    void diffsListsExamplesByField() {
        Run run = run("shadow", "diffs", "appointments", "--field", "/status", "--diff-db", url);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("#" + replayableId, "GET /appointments/7", "CHANGED  /status",
                "(request redacted: not replayable)").doesNotContain("jane");
    }

    @Test
    void replayResendsToBothSidesAndSaysWhetherTheDifferenceStands() throws Exception {
        HttpServer legacy = backend("{\"status\":\"BOOKED\"}");
        HttpServer target = backend("{\"status\":\"CANCELLED\"}");
        HttpServer fixedTarget = backend("{\"status\":\"BOOKED\"}");
        try {
            Run stands = run("shadow", "replay", String.valueOf(replayableId), "--diff-db", url,
                    "--legacy-url", base(legacy), "--target-url", base(target));
            Run gone = run("shadow", "replay", String.valueOf(replayableId), "--diff-db", url,
                    "--legacy-url", base(legacy), "--target-url", base(fixedTarget));
            Run redacted = run("shadow", "replay", String.valueOf(redactedId), "--diff-db", url,
                    "--legacy-url", base(legacy), "--target-url", base(target));

            assertThat(stands.exit()).as(stands.err()).isZero();
            assertThat(stands.out()).contains("GET /appointments/7", "difference still stands: /status");
            assertThat(gone.out()).contains("difference gone");
            assertThat(redacted.exit()).isEqualTo(1);
            assertThat(redacted.err().strip()).isEqualTo("strangler: evidence " + redactedId
                    + " cannot be replayed: redaction changed query:email of the request");
        } finally {
            legacy.stop(0);
            target.stop(0);
            fixedTarget.stop(0);
        }
    }

    @Test
    void failuresAreOneLineWithExitCodes() {
        Run noDb = run("shadow", "report", "--diff-db", "jdbc:postgresql://127.0.0.1:1/nope?password=secret");
        Run badSince = run("shadow", "report", "--diff-db", url, "--since", "yesterday");
        Run noSub = run("shadow");

        assertThat(noDb.exit()).isEqualTo(1);
        assertThat(noDb.err()).startsWith("strangler: diff store unreachable at jdbc:postgresql://127.0.0.1:1/nope?password=****")
                .doesNotContain("secret").doesNotContain("\tat ");
        assertThat(noDb.err().strip().lines()).hasSize(1);
        assertThat(badSince.exit()).isEqualTo(2);
        assertThat(badSince.err()).contains("--since: duration: 'yesterday'");
        assertThat(noSub.exit()).isEqualTo(2);
        assertThat(noSub.err()).contains("strangler shadow: missing subcommand (expected: report, diffs or replay)");
    }

    private static HttpServer backend(String body) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }

    private static String base(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}
