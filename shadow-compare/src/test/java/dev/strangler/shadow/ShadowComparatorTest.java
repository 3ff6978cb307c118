package dev.strangler.shadow;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.strangler.legacy.normalize.NormalizerRegistry;
import dev.strangler.legacy.normalize.ResponseNormalizers;
import dev.strangler.shadow.diff.DiffKind;
import dev.strangler.shadow.diff.Difference;
import dev.strangler.shadow.redact.RedactionConfig;
import dev.strangler.shadow.store.ComparisonRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static dev.strangler.shadow.Exchanges.exchange;
import static dev.strangler.shadow.Exchanges.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShadowComparatorTest {

    private static final RedactionConfig REDACTION = RedactionConfig.builder().hmacKey("unit-test-key-0123456789").build();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<ComparisonRecord> records = new CopyOnWriteArrayList<>();

    private ShadowComparator.Builder comparator() {
        return ShadowComparator.builder().meters(meters).redaction(REDACTION).sink(records::add)
                .routes(List.of(ShadowRouteConfig.builder("appts").headers(List.of("content-type", "date")).build()));
    }

    private double count(String route, String result) {
        return meters.get("strangler.shadow.comparisons").tag("route", route).tag("result", result).counter().count();
    }

    @Test
    void comparesOffTheCallerThreadAndCountsEachResult() {
        try (ShadowComparator c = comparator().build()) {
            assertThat(c.submit(exchange("appts", "{\"a\":1}", "{\"a\":1}"))).isTrue();
            assertThat(c.submit(exchange("appts", "{\"a\":1}", "{\"a\":2}"))).isTrue();
            assertThat(c.submit(ShadowExchange.builder("appts").primary(json(200, "{}"))
                    .shadowFailed(ShadowOutcome.TIMEOUT).build())).isTrue();
            assertThat(c.submit(ShadowExchange.builder("appts").primary(json(200, "{}"))
                    .shadowFailed(ShadowOutcome.ERROR).build())).isTrue();
            Await.await(Duration.ofSeconds(5), () -> records.size() == 4);
        }

        assertThat(count("appts", "match")).isEqualTo(1);
        assertThat(count("appts", "mismatch")).isEqualTo(1);
        assertThat(count("appts", "timeout")).isEqualTo(1);
        assertThat(count("appts", "error")).isEqualTo(1);
        assertThat(meters.get("strangler.shadow.mismatch.ratio").tag("route", "appts").gauge().value()).isEqualTo(0.5);
        ComparisonRecord mismatch = records.stream().filter(r -> r.result() == ComparisonResult.MISMATCH).findFirst().orElseThrow();
        assertThat(mismatch.differences()).containsExactly(new Difference("/a", DiffKind.CHANGED));
        assertThat(mismatch.evidence()).isNotNull();
        assertThat(records.stream().filter(r -> r.result() == ComparisonResult.TIMEOUT).findFirst().orElseThrow()
                .differences()).isEmpty();
    }

    /** One worker, whose sink blocks on {@code release} after counting down {@code started}: the queue fills. */
    private ShadowComparator heldWorker(int queueCapacity, CountDownLatch started, CountDownLatch release) {
        return comparator().config(ShadowComparatorConfig.builder().workers(1).queueCapacity(queueCapacity).build())
                .sink(r -> {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return records.add(r);
                }).build();
    }

    @Test
    void dropsAndCountsWhenTheQueueIsFullWithoutBlocking() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        ShadowComparator c = heldWorker(2, started, release);
        try {
            assertThat(c.submit(exchange("appts", "{}", "{}"))).isTrue();
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(c.submit(exchange("appts", "{}", "{}"))).isTrue();
            assertThat(c.submit(exchange("appts", "{}", "{}"))).isTrue();
            assertThat(c.submit(exchange("appts", "{}", "{}"))).isFalse();
            assertThat(meters.get("strangler.shadow.drops").tag("stage", "queue").counter().count()).isEqualTo(1);
        } finally {
            release.countDown();
            c.close();
        }
        assertThat(records).hasSize(3);
    }

    @Test
    void aBatchIsComparedInOrderAndWhatExceedsTheQueueBoundIsDroppedAndCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        ShadowComparator c = heldWorker(3, started, release);
        try {
            assertThat(c.submit(exchange("appts", "{}", "{}"))).isTrue();
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            List<ShadowComparator.Pending> batch = List.of(
                    new ShadowComparator.Pending("appts", () -> exchange("appts", "{\"n\":1}", "{\"n\":1}")),
                    new ShadowComparator.Pending("nope", () -> exchange("nope", "{}", "{}")),
                    new ShadowComparator.Pending("appts", () -> exchange("appts", "{\"n\":2}", "{\"n\":3}")),
                    new ShadowComparator.Pending("appts", () -> exchange("appts", "{\"n\":3}", "{\"n\":3}")),
                    new ShadowComparator.Pending("appts", () -> exchange("appts", "{\"n\":4}", "{\"n\":4}")));
            assertThat(c.submitAll(batch)).isEqualTo(3); // the unknown route never counts against the bound
            assertThat(meters.get("strangler.shadow.drops").tag("stage", "queue").counter().count()).isEqualTo(1);
            assertThat(meters.get("strangler.shadow.queue.size").gauge().value()).isEqualTo(3);
        } finally {
            release.countDown();
            c.close();
        }
        assertThat(records).extracting(ComparisonRecord::result).containsExactly(
                ComparisonResult.MATCH, ComparisonResult.MATCH, ComparisonResult.MISMATCH, ComparisonResult.MATCH);
    }

    @Test
    void learnsNoiseFromSecondPrimaryAnswerAndStopsCountingItAsMismatch() {
        try (ShadowComparator c = comparator().build()) {
            for (int i = 0; i < 20; i++) {
                String date = "Sat, 28 Nov 2026 04:00:" + (10 + i) + " GMT";
                ShadowExchange ex = ShadowExchange.builder("appts")
                        .primary(json(200, "{\"id\":1,\"at\":" + i + "}", date))
                        .secondPrimary(json(200, "{\"id\":1,\"at\":" + (i + 100) + "}", date + "x"))
                        .shadow(json(200, "{\"id\":1,\"at\":" + (i + 200) + "}", date + "y")).build();
                c.compare(ex);
            }
            ComparisonRecord real = c.compare(ShadowExchange.builder("appts")
                    .primary(json(200, "{\"id\":1,\"at\":1}", "d1"))
                    .shadow(json(200, "{\"id\":2,\"at\":2}", "d2")).build());

            assertThat(c.noise().noiseFields("appts")).extracting(n -> n.field()).containsExactlyInAnyOrder("/at", "header:date");
            assertThat(real.result()).isEqualTo(ComparisonResult.MISMATCH);
            assertThat(real.noiseFields()).containsExactlyInAnyOrder("/at", "header:date");
        }
        assertThat(records.subList(0, 20)).allMatch(r -> r.result() == ComparisonResult.MATCH && r.primaryPair());
        assertThat(meters.get("strangler.shadow.noise.fields").tag("route", "appts").gauge().value()).isEqualTo(2);
    }

    @Test
    void normalisesTheLegacySideBeforeComparing() {
        NormalizerRegistry registry = NormalizerRegistry.builder()
                .register("appts-v1", ResponseNormalizers.rename("/appt_status", "status")).build();
        try (ShadowComparator c = comparator().normalizers(registry).routes(List.of(ShadowRouteConfig.builder("appts")
                .primary(Primary.TARGET).legacyNormalizers(List.of("appts-v1")).build())).build()) {
            ComparisonRecord r = c.compare(exchange("appts", "{\"status\":\"BOOKED\"}", "{\"appt_status\":\"BOOKED\"}"));
            assertThat(r.result()).isEqualTo(ComparisonResult.MATCH);
        }
        assertThatThrownBy(() -> comparator().routes(List.of(ShadowRouteConfig.builder("appts")
                .legacyNormalizers(List.of("missing")).build())).build())
                .hasMessageContaining("route appts: legacyNormalizers: normalizer: missing");
    }

    @Test
    void aRouteCopyingBothWaysReportsTheMonolithsAnswerFirstWhicheverSideTheClientGot() {
        NormalizerRegistry registry = NormalizerRegistry.builder()
                .register("appts-v1", ResponseNormalizers.rename("/appt_status", "status")).build();
        try (ShadowComparator c = comparator().normalizers(registry).routes(List.of(ShadowRouteConfig.builder("appts")
                .legacyNormalizers(List.of("appts-v1")).build())).build()) { // primary: EITHER, the default
            // The client got the service's answer; the copy went to the monolith.
            ComparisonRecord fromTarget = c.compare(ShadowExchange.builder("appts").request("GET", "/api/x", "")
                    .primarySide(Side.TARGET).primary(json(200, "{\"status\":\"BOOKED\",\"room\":\"A\"}"))
                    .shadow(json(200, "{\"appt_status\":\"BOOKED\"}")).build());
            // The client got the monolith's answer; the copy went to the service.
            ComparisonRecord fromLegacy = c.compare(ShadowExchange.builder("appts").request("GET", "/api/x", "")
                    .primarySide(Side.LEGACY).primary(json(200, "{\"appt_status\":\"BOOKED\"}"))
                    .shadow(json(200, "{\"status\":\"BOOKED\",\"room\":\"A\"}")).build());
            for (ComparisonRecord r : List.of(fromTarget, fromLegacy)) {
                assertThat(r.differences()).containsExactly(new Difference("/room", DiffKind.EXTRA)); // only the service has it
                assertThat(r.evidence().primaryBody()).contains("appt_status"); // the monolith's answer first
            }
        }
    }

    @Test
    void unknownRoutesAreDroppedAndCounted() {
        try (ShadowComparator c = comparator().build()) {
            assertThat(c.compare(exchange("nope", "{}", "{}"))).isNull();
            assertThat(c.submit(exchange("nope", "{}", "{}"))).isFalse();
        }
        assertThat(meters.get("strangler.shadow.drops").tag("stage", "unknown_route").counter().count()).isEqualTo(2);
        assertThat(records).isEmpty();
    }

    @Test
    void mirrorsOnlyConfiguredMethodsAtTheSampleRate() {
        ShadowRouteConfig config = ShadowRouteConfig.builder("r").sampleRate(0.25).build();
        assertThat(config.shouldMirror("get", 0.1)).isTrue();
        assertThat(config.shouldMirror("GET", 0.3)).isFalse();
        assertThat(config.shouldMirror("POST", 0.1)).isFalse();
        assertThat(config.copies(Side.LEGACY, "GET")).isTrue();
        assertThat(config.copies(Side.TARGET, "GET")).as("EITHER: to the side the client did not get").isTrue();
        assertThat(config.copies(Side.TARGET, "POST")).as("a write never reaches the monolith as a copy").isFalse();
        assertThat(ShadowRouteConfig.builder("r").primary(Primary.LEGACY).build().copies(Side.TARGET, "GET")).isFalse();
        assertThat(Primary.shadowOf(Side.TARGET)).isEqualTo(Side.LEGACY);
        assertThatThrownBy(() -> ShadowRouteConfig.builder("r").methods(Set.of("GET", "POST")).build())
                .hasMessageContaining("route r: methods contains POST").hasMessageContaining("sideEffectFree");
        assertThat(ShadowRouteConfig.builder("r").methods(Set.of("POST")).sideEffectFree(true).build().methods())
                .containsExactly("POST");
    }
}
