package dev.strangler.proxy;

import static dev.strangler.proxy.Fixture.OPERATOR_SECRET;
import static dev.strangler.proxy.Fixture.VIEWER_SECRET;
import static dev.strangler.proxy.Fixture.json;
import static dev.strangler.proxy.Fixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tools append audit entries with details ({@code POST /api/audit}) and read them back filtered. */
class AuditApiIT {

    private static final String OPERATOR = "Bearer " + OPERATOR_SECRET;
    private static final Instant T0 = Instant.parse("2026-11-28T04:20:00Z");

    @TempDir
    Path state;
    TestBackend legacy;
    TestBackend target;
    ProxyServer proxy;
    final SteppingClock clock = new SteppingClock();

    @BeforeEach
    void start() throws Exception {
        legacy = TestBackend.start("monolith");
        target = TestBackend.start("appointments");
        proxy = startProxy();
    }

    private ProxyServer startProxy() {
        return ProxyServer.start(Fixture.config(state, legacy.port(), target.port(), 0).build(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), clock);
    }

    @AfterEach
    void stop() {
        proxy.close();
        legacy.close();
        target.close();
    }

    private int admin() {
        return proxy.adminPort();
    }

    @Test
    void appendsToolEntryWithDetailsAndCurrentWeight() throws Exception {
        send(admin(), "PUT", "/api/routes/appointments/weight", "{\"weightBps\":500}", "Authorization", OPERATOR);

        var posted = send(admin(), "POST", "/api/audit", """
                {"action":"ramp-step","route":"appointments","reason":"step 2 of 6",
                 "details":{"step":1,"gates":{"errorRatio":{"value":0.001,"bound":0.01}}}}""",
                "Authorization", OPERATOR);

        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
        JsonNode entry = json(posted).path("entry");
        assertThat(entry.path("seq").asLong()).isEqualTo(2);
        assertThat(entry.path("actor").asText()).isEqualTo("oncall");
        assertThat(entry.path("action").asText()).isEqualTo("ramp-step");
        assertThat(entry.path("before").path("weightBps").asInt()).isEqualTo(500);
        assertThat(entry.path("after").path("weightBps").asInt()).isEqualTo(500);
        assertThat(entry.path("details").path("gates").path("errorRatio").path("bound").asDouble()).isEqualTo(0.01);

        JsonNode all = json(send(admin(), "GET", "/api/audit", null, "Authorization", "Bearer " + VIEWER_SECRET));
        assertThat(all.path("entries").findValuesAsText("action")).containsExactly("set-weight", "ramp-step");
        assertThat(all.path("entries").get(0).path("seq").asLong()).isEqualTo(1);
        assertThat(all.path("entries").get(0).path("details").isObject()).isTrue(); // {} when none
        assertThat(all.path("entries").get(0).path("details")).isEmpty();
        assertThat(all.path("entries").get(1)).isEqualTo(entry);
    }

    @Test
    void seqKeepsCountingAcrossRestartsAndFiltersCombine() throws Exception {
        post("ramp-start", "appointments");                         // seq 1 at T0
        clock.advance(Duration.ofMinutes(1));
        post("ramp-step", "rest");                                   // seq 2, other route
        clock.advance(Duration.ofMinutes(1));
        proxy.close();
        proxy = startProxy();
        post("ramp-step", "appointments");                          // seq 3 at T0+2m, after a restart
        post("ramp-pause", "appointments");                         // seq 4

        assertThat(actions("/api/audit?route=appointments")).containsExactly("1:ramp-start", "3:ramp-step", "4:ramp-pause");
        assertThat(actions("/api/audit?afterSeq=2")).containsExactly("3:ramp-step", "4:ramp-pause");
        assertThat(actions("/api/audit?since=" + T0.plusSeconds(60))).containsExactly("2:ramp-step", "3:ramp-step", "4:ramp-pause");
        assertThat(actions("/api/audit?route=appointments&since=" + T0 + "&limit=2")).containsExactly("3:ramp-step", "4:ramp-pause");
        assertThat(actions("/api/audit?route=appointments&afterSeq=4")).isEmpty();
        // Paging backwards: the newest page, then the one before its first seq.
        assertThat(actions("/api/audit?limit=2")).containsExactly("3:ramp-step", "4:ramp-pause");
        assertThat(actions("/api/audit?limit=2&beforeSeq=3")).containsExactly("1:ramp-start", "2:ramp-step");
        assertThat(actions("/api/audit?limit=2&beforeSeq=1")).isEmpty();
        assertThat(actions("/api/audit?route=appointments&beforeSeq=4")).containsExactly("1:ramp-start", "3:ramp-step");
        assertThat(Files.readAllLines(state.resolve("audit.jsonl"))).hasSize(4);
    }

    @Test
    void rejectsForgedProxyActionsBadNamesUnknownRoutesAndViewers() throws Exception {
        for (String forged : List.of("set-weight", "rollback", "rollback-all", "auto-rollback")) {
            var r = send(admin(), "POST", "/api/audit", "{\"action\":\"" + forged + "\",\"route\":\"appointments\"}",
                    "Authorization", OPERATOR);
            assertThat(r.statusCode()).as(forged).isEqualTo(400);
            assertThat(json(r).path("message").asText()).contains("written by the proxy itself");
        }
        for (String bad : List.of("Ramp-Step", "r", "ramp step", "9lives", "x".repeat(42))) {
            var r = send(admin(), "POST", "/api/audit", "{\"action\":\"" + bad + "\",\"route\":\"appointments\"}",
                    "Authorization", OPERATOR);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(r).path("message").asText()).startsWith("action: '" + bad + "' (expected:");
        }
        var noAction = send(admin(), "POST", "/api/audit", "{\"route\":\"appointments\"}", "Authorization", OPERATOR);
        assertThat(json(noAction).path("message").asText()).startsWith("action: missing");
        var arrayDetails = send(admin(), "POST", "/api/audit", "{\"action\":\"ramp-step\",\"route\":\"appointments\",\"details\":[1]}",
                "Authorization", OPERATOR);
        assertThat(json(arrayDetails).path("message").asText()).isEqualTo("details: array (expected: a JSON object)");
        var unknown = send(admin(), "POST", "/api/audit", "{\"action\":\"ramp-step\",\"route\":\"nope\"}", "Authorization", OPERATOR);
        assertThat(unknown.statusCode()).isEqualTo(404);
        var viewer = send(admin(), "POST", "/api/audit", "{\"action\":\"ramp-step\",\"route\":\"appointments\"}",
                "Authorization", "Bearer " + VIEWER_SECRET);
        assertThat(viewer.statusCode()).isEqualTo(403);
        var badSince = send(admin(), "GET", "/api/audit?since=yesterday", null, "Authorization", OPERATOR);
        assertThat(json(badSince).path("message").asText()).startsWith("since: yesterday (expected: an ISO instant");
        var badSeq = send(admin(), "GET", "/api/audit?afterSeq=-3", null, "Authorization", OPERATOR);
        assertThat(badSeq.statusCode()).isEqualTo(400);
        var badBefore = send(admin(), "GET", "/api/audit?beforeSeq=0", null, "Authorization", OPERATOR);
        assertThat(json(badBefore).path("message").asText()).isEqualTo("beforeSeq: 0 (expected: an integer >= 1)");
        assertThat(Files.exists(state.resolve("audit.jsonl"))).isFalse(); // nothing was written
    }

    private void post(String action, String route) throws Exception {
        var r = send(admin(), "POST", "/api/audit", "{\"action\":\"" + action + "\",\"route\":\"" + route + "\"}",
                "Authorization", OPERATOR);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private List<String> actions(String path) throws Exception {
        JsonNode doc = json(send(admin(), "GET", path, null, "Authorization", OPERATOR));
        return java.util.stream.StreamSupport.stream(doc.path("entries").spliterator(), false)
                .map(e -> e.path("seq").asLong() + ":" + e.path("action").asText()).toList();
    }

    /** A clock tests move by hand, read from the admin worker thread. */
    static final class SteppingClock extends Clock {
        private volatile Instant now = T0;

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return Clock.fixed(now, zone); // a snapshot in that zone; the proxy only reads instant()
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
