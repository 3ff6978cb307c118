package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.proxy.admin.AuditEntry;
import dev.strangler.proxy.backend.ResilienceConfig;
import dev.strangler.proxy.guard.GuardConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Automatic rollback: a burst of target errors (or slow answers) rolls the route back, once. */
class GuardIT {

    @TempDir
    Path state;
    TestBackend legacy;
    TestBackend target;
    ProxyServer proxy;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        legacy = TestBackend.start("monolith");
        target = TestBackend.start("appointments");
        proxy = ProxyServer.start(Fixture.config(state, legacy.port(), target.port(), 10_000)
                .guard("appointments", new GuardConfig(Duration.ofSeconds(60), 20, 0.2, Duration.ofMillis(400)))
                // The guard alone is under test: the target's circuit breaker would otherwise open on the
                // injected errors and keep the re-armed route on the monolith for openFor (10 s).
                .backend(new BackendConfig("appointments", new HostPort("127.0.0.1", target.port()))
                        .withResilience(withoutCircuitBreaker(ResilienceConfig.DEFAULTS)))
                .build(), meters, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        proxy.close();
        legacy.close();
        target.close();
    }

    private static ResilienceConfig withoutCircuitBreaker(ResilienceConfig r) {
        return new ResilienceConfig(r.failureRateThreshold(), r.slidingWindow(), r.minimumCalls(), r.openFor(),
                r.halfOpenCalls(), r.maxConcurrent(), r.connectTimeout(), r.firstByteTimeout(), r.totalTimeout(),
                r.replayBufferBytes(), false);
    }

    private int send(String path, int n) throws Exception {
        int toTarget = 0;
        for (int i = 0; i < n; i++) {
            var r = Fixture.get(proxy.port(), path, "X-Patient-Id", "p-" + i);
            if (r.headers().firstValue("X-Backend").orElse("").equals("appointments")) {
                toTarget++;
            }
        }
        return toTarget;
    }

    private double autoRollbacks() {
        return meters.get("strangler.proxy.auto.rollbacks").tag("route", "appointments").counter().count();
    }

    private List<AuditEntry> autoRollbackEntries() {
        return proxy.controller().audit().tail(100).stream().filter(e -> e.action().equals("auto-rollback")).toList();
    }

    @Test
    void errorBurstRollsTheRouteBackAndTheAuditSaysWhy() throws Exception {
        assertThat(send("/api/appointments/1", 30)).isEqualTo(30);
        proxy.guards().evaluate();
        assertThat(proxy.routes().route("appointments").orElseThrow().weightBps()).isEqualTo(10_000);

        send("/api/appointments/status/503", 30); // 30 errors out of 60 answers: 50 % > 20 %
        proxy.guards().evaluate();

        assertThat(proxy.routes().route("appointments").orElseThrow().weightBps()).isZero();
        assertThat(send("/api/appointments/1", 5)).as("after the trip every request goes to the monolith").isZero();
        assertThat(autoRollbacks()).isEqualTo(1.0);
        List<AuditEntry> entries = autoRollbackEntries();
        assertThat(entries).hasSize(1);
        AuditEntry e = entries.get(0);
        assertThat(e.actor()).isEqualTo("guard");
        assertThat(e.route()).isEqualTo("appointments");
        assertThat(e.beforeWeight()).isEqualTo(10_000);
        assertThat(e.afterWeight()).isZero();
        assertThat(e.reason()).contains("error ratio 0.5000 (30/60, max 0.2000)").contains("60 s").contains("minRequests 20");
        assertThat(e.details().path("tripped").get(0).asText()).isEqualTo("maxErrorRatio");
        assertThat(e.details().path("requests").asLong()).isEqualTo(60);
        assertThat(e.details().path("errors").asLong()).isEqualTo(30);
        assertThat(e.details().path("errorRatio").asDouble()).isEqualTo(0.5);
        assertThat(e.details().path("maxErrorRatio").asDouble()).isEqualTo(0.2);
        assertThat(e.details().path("windowSeconds").asLong()).isEqualTo(60);
        assertThat(e.details().path("maxP99Ms").asLong()).isEqualTo(400);
        JsonNode viaApi = Fixture.json(Fixture.get(proxy.adminPort(), "/api/audit",
                "Authorization", "Bearer " + Fixture.OPERATOR_SECRET)).path("entries");
        JsonNode viaApiEntry = null;
        for (JsonNode n : viaApi) {
            if (n.path("action").asText().equals("auto-rollback")) {
                viaApiEntry = n;
            }
        }
        assertThat(viaApiEntry).as("auto-rollback entry in GET /api/audit").isNotNull();
        assertThat(viaApiEntry.path("actor").asText()).isEqualTo("guard");
        assertThat(viaApiEntry.path("details").path("errors").asLong()).isEqualTo(30);
        String scrape = Fixture.get(proxy.adminPort(), "/metrics").body();
        assertThat(scrape).contains("strangler_proxy_auto_rollbacks_total{route=\"appointments\"} 1.0");
    }

    @Test
    void staysRolledBackUntilAnOperatorSetsAWeightThenReArmsWithAFreshWindow() throws Exception {
        send("/api/appointments/status/500", 25);
        proxy.guards().evaluate();
        assertThat(proxy.routes().route("appointments").orElseThrow().weightBps()).isZero();
        assertThat(proxy.guards().armed("appointments")).isFalse();

        // More rounds while at 0: no second rollback, no new audit entry (no flapping).
        proxy.guards().evaluate();
        proxy.guards().evaluate();
        assertThat(autoRollbackEntries()).hasSize(1);

        proxy.controller().setWeight("oncall", "appointments", 10_000, "fixed, try again");
        proxy.guards().evaluate();
        assertThat(proxy.guards().armed("appointments")).isTrue();
        assertThat(send("/api/appointments/1", 25)).isEqualTo(25);
        proxy.guards().evaluate();
        assertThat(proxy.routes().route("appointments").orElseThrow().weightBps())
                .as("the old errors are forgotten on re-arm").isEqualTo(10_000);

        send("/api/appointments/status/502", 25); // 25 / 50 again
        proxy.guards().evaluate();
        assertThat(proxy.routes().route("appointments").orElseThrow().weightBps()).isZero();
        assertThat(autoRollbackEntries()).hasSize(2);
        assertThat(autoRollbacks()).isEqualTo(2.0);
    }

    @Test
    void slowTargetTripsOnP99AndTheSchedulerActsWithoutHelp() throws Exception {
        var answers = new java.util.ArrayList<java.util.concurrent.CompletableFuture<?>>();
        for (int i = 0; i < 20; i++) { // all above maxP99 400 ms, sent together
            answers.add(Fixture.CLIENT.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + proxy.port() + "/api/appointments/1?delayMs=600")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()));
        }
        java.util.concurrent.CompletableFuture.allOf(answers.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        // The store commits the audit entry, then the table is swapped in: wait for both.
        Await.await(Duration.ofSeconds(15), () -> !autoRollbackEntries().isEmpty()
                && proxy.routes().route("appointments").orElseThrow().weightBps() == 0);
        assertThat(proxy.routes().route("appointments").orElseThrow().weightBps()).isZero();
        assertThat(autoRollbackEntries()).singleElement().satisfies(e ->
                assertThat(e.reason()).contains("p99 > 400 ms").contains("error ratio ok 0.0000"));
        AuditEntry e = autoRollbackEntries().get(0);
        assertThat(e.details().path("tripped").get(0).asText()).isEqualTo("maxP99");
        assertThat(e.details().path("slowerThanMaxP99").asLong()).isEqualTo(20);
        assertThat(e.details().path("p99EstimateMs").asDouble()).isGreaterThanOrEqualTo(600.0); // upper slot bound: at least the delay
    }

    @Test
    void fewerAnswersThanMinRequestsNeverTrip() throws Exception {
        send("/api/appointments/status/503", 19);
        proxy.guards().evaluate();
        assertThat(proxy.routes().route("appointments").orElseThrow().weightBps()).isEqualTo(10_000);
        assertThat(autoRollbacks()).isZero();
    }
}
