package dev.strangler.shadow.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.strangler.embedded.LocalPostgres;
import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.ShadowComparator;
import dev.strangler.shadow.ShadowExchange;
import dev.strangler.shadow.ShadowOutcome;
import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.diff.DiffKind;
import dev.strangler.shadow.diff.Difference;
import dev.strangler.shadow.noise.NoiseRule;
import dev.strangler.shadow.redact.RedactionConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.strangler.shadow.Exchanges.json;
import static org.assertj.core.api.Assertions.assertThat;

class DiffStoreIT {

    private static LocalPostgres pg;
    private static final Instant T0 = Instant.parse("2026-11-28T04:00:05Z");

    @BeforeAll
    static void startPostgres() {
        pg = LocalPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        pg.close();
    }

    private static ShadowComparator comparator(DiffStore store, Clock clock, String route) {
        return ShadowComparator.builder().meters(new SimpleMeterRegistry()).clock(clock).sink(store)
                .redaction(RedactionConfig.builder().hmacKey("store-it-key-0123456789").build())
                .routes(List.of(ShadowRouteConfig.builder(route).headers(List.of("content-type", "date")).build()))
                .build();
    }

    private static ShadowExchange exchange(String route, int i, String shadowStatus) {
        String date = "Sat, 28 Nov 2026 04:00:" + (10 + i % 40) + " GMT";
        return ShadowExchange.builder(route).request("GET", "/appointments/" + i, "view=full")
                .requestHeaders(HttpHeaders.builder().add("Accept", "application/json").build())
                .primary(json(200, "{\"id\":" + i + ",\"status\":\"BOOKED\",\"at\":" + i + "}", date))
                .secondPrimary(i % 2 == 0 ? json(200, "{\"id\":" + i + ",\"status\":\"BOOKED\",\"at\":" + (i + 1) + "}", date + "!") : null)
                .shadow(json(200, "{\"id\":" + i + ",\"status\":\"" + shadowStatus + "\",\"at\":" + (i + 7) + "}", date + "?"))
                .build();
    }

    @Test
    void storesCountersNoiseAndEvidenceAndAnswersReports() throws Exception {
        pg.createDatabase("store_report");
        DataSource ds = pg.dataSource("store_report");
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        try (DiffStore store = new DiffStore(ds, DiffStoreConfig.defaults(), clock, new SimpleMeterRegistry());
             ShadowComparator comparator = comparator(store, clock, "appts")) {
            store.saveRouteConfig(comparator.routeConfig("appts").orElseThrow());
            for (int i = 0; i < 40; i++) {
                comparator.compare(exchange("appts", i, i % 4 == 0 ? "CANCELLED" : "BOOKED"));
            }
            comparator.compare(ShadowExchange.builder("appts").primary(json(200, "{}")).shadowFailed(ShadowOutcome.TIMEOUT).build());
            store.flush().get(10, TimeUnit.SECONDS);

            DiffQueries queries = new DiffQueries(ds, new NoiseRule(2.0, 0.05));
            RouteReport report = queries.report("appts", T0.minus(Duration.ofHours(1)), 10);

            assertThat(queries.routes(T0.minus(Duration.ofHours(1)))).containsExactly("appts");
            assertThat(report.comparisons()).isEqualTo(40);
            assertThat(report.timeouts()).isEqualTo(1);
            assertThat(report.primaryPairs()).isEqualTo(20);
            // /status differs in 10 of 40 and never between primaries: the only real field.
            assertThat(report.topFields()).extracting(RouteReport.FieldStat::field).containsExactly("/status");
            RouteReport.FieldStat status = report.topFields().get(0);
            assertThat(status.count()).isEqualTo(10);
            assertThat(status.firstSeen()).isEqualTo(T0);
            assertThat(status.lastSeen()).isEqualTo(T0);
            assertThat(status.lastKind()).isEqualTo("CHANGED");
            assertThat(report.noiseFields()).extracting(RouteReport.NoiseFieldStat::field)
                    .containsExactlyInAnyOrder("/at", "header:date");
            assertThat(report.mismatches()).isEqualTo(10);
            assertThat(report.mismatchRatio()).isEqualTo(0.25);
            assertThat(report.series()).hasSize(1);
            assertThat(report.series().get(0).start()).isEqualTo(Instant.parse("2026-11-28T04:00:00Z"));

            List<EvidenceSummary> examples = queries.examples("appts", "/status", 10);
            assertThat(examples).hasSize(3); // evidencePerFieldPerMinute default
            assertThat(examples.get(0).differences()).contains(new Difference("/status", DiffKind.CHANGED));
            assertThat(examples.get(0).replayable()).isTrue();
            Evidence evidence = queries.evidence(examples.get(0).id()).orElseThrow();
            assertThat(evidence.requestLine()).startsWith("GET /appointments/").endsWith("?view=full");
            assertThat(evidence.primaryBody()).contains("\"status\":\"BOOKED\"");
            assertThat(evidence.shadowBody()).contains("\"status\":\"CANCELLED\"");
            assertThat(evidence.requestHeaders().get("accept")).isEqualTo("application/json");
            assertThat(queries.evidence(999_999)).isEmpty();
            assertThat(queries.routeConfigJson("appts")).get().asString().contains("\"route\": \"appts\"");

            // A restarted comparator seeded from the store discounts known noise at once.
            try (ShadowComparator restarted = comparator(store, clock, "appts")) {
                assertThat(restarted.noise().isNoise("appts", "/at")).isFalse();
                restarted.seedNoise(queries, Duration.ofHours(1));
                assertThat(restarted.noise().isNoise("appts", "/at")).isTrue();
                assertThat(restarted.noise().isNoise("appts", "/status")).isFalse();
                ShadowExchange onlyNoise = ShadowExchange.builder("appts").primary(json(200, "{\"id\":1,\"at\":1}", "d1"))
                        .shadow(json(200, "{\"id\":1,\"at\":2}", "d2")).build();
                assertThat(restarted.compare(onlyNoise).result()).isEqualTo(dev.strangler.shadow.ComparisonResult.MATCH);
            }
        }
    }

    @Test
    @SuppressWarnings("try") // close() mid-block: finish queued comparisons before flushing
    void countersAddUpAcrossFlushesAndSchemaStartsTwice() throws Exception {
        pg.createDatabase("store_twice");
        DataSource ds = pg.dataSource("store_twice");
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        for (int round = 0; round < 2; round++) {
            try (DiffStore store = new DiffStore(ds, DiffStoreConfig.defaults(), clock, new SimpleMeterRegistry());
                 ShadowComparator comparator = comparator(store, clock, "r")) {
                for (int i = 1; i < 6; i++) {
                    comparator.submit(exchange("r", i, "X"));
                }
                comparator.close(); // finishes the queued comparisons
                store.flush().get(10, TimeUnit.SECONDS);
            }
        }
        RouteReport report = new DiffQueries(ds, new NoiseRule(2, 0.05)).report("r", T0.minusSeconds(60), 10);
        assertThat(report.comparisons()).isEqualTo(10);
        assertThat(report.mismatches()).isEqualTo(10);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), max(version) FROM shadow_schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getInt(2)).isEqualTo(1);
        }
    }

    @Test
    void keepsWhatItCouldNotWriteDuringADatabaseOutageAndWritesItOnceTheDatabaseIsBack() throws Exception {
        pg.createDatabase("store_outage");
        com.zaxxer.hikari.HikariDataSource ds = pg.dataSource("store_outage");
        ds.getHikariConfigMXBean().setConnectionTimeout(500); // fail fast while PostgreSQL is down
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (DiffStore store = new DiffStore(ds, DiffStoreConfig.defaults().withFlushInterval(Duration.ofMillis(100)), clock, meters);
             ShadowComparator comparator = comparator(store, clock, "down")) {
            pg.stop();
            try {
                comparator.compare(exchange("down", 1, "X"));
                dev.strangler.shadow.Await.await(Duration.ofSeconds(20),
                        () -> meters.get("strangler.shadow.store.errors").counter().count() >= 2); // tried again, still held
            } finally {
                pg.resume();
            }
            comparator.compare(exchange("down", 2, "X"));
            comparator.compare(exchange("down", 3, "X"));
            // The pool may need a moment to reconnect: the held batch is tried every interval.
            dev.strangler.shadow.Await.await(Duration.ofSeconds(30), () -> writtenComparisons(ds, "down") == 3);
            assertThat(meters.get("strangler.shadow.drops").tag("stage", "store").counter().count()).isZero();
        }
    }

    @Test
    void dropsAndCountsAHeldBatchThatOutgrowsTheQueueCapacityWhileTheDatabaseIsAway() throws Exception {
        pg.createDatabase("store_capped");
        com.zaxxer.hikari.HikariDataSource ds = pg.dataSource("store_capped");
        ds.getHikariConfigMXBean().setConnectionTimeout(500);
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // One mismatching record holds a route row, three field rows and evidence: more than 4 entries.
        DiffStoreConfig tiny = new DiffStoreConfig(Duration.ofMinutes(1), Duration.ofMillis(100), 500, 4,
                Duration.ofDays(7), Duration.ofMinutes(10));
        try (DiffStore store = new DiffStore(ds, tiny, clock, meters);
             ShadowComparator comparator = comparator(store, clock, "capped")) {
            pg.stop();
            try {
                comparator.compare(exchange("capped", 1, "X"));
                dev.strangler.shadow.Await.await(Duration.ofSeconds(20),
                        () -> meters.get("strangler.shadow.drops").tag("stage", "store").counter().count() >= 1);
            } finally {
                pg.resume();
            }
            comparator.compare(exchange("capped", 2, "X"));
            comparator.compare(exchange("capped", 3, "X"));
            dev.strangler.shadow.Await.await(Duration.ofSeconds(30), () -> writtenComparisons(ds, "capped") == 2);
            // every record is either written or counted as dropped
            assertThat(meters.get("strangler.shadow.drops").tag("stage", "store").counter().count()).isEqualTo(1);
        }
    }

    /** Comparisons stored for {@code route}; -1 while the database cannot be read. */
    private static long writtenComparisons(DataSource ds, String route) {
        try {
            return new DiffQueries(ds, new NoiseRule(2, 0.05)).report(route, T0.minusSeconds(60), 10).comparisons();
        } catch (RuntimeException stillReconnecting) {
            return -1;
        }
    }

    @Test
    void deletesRowsPastRetention() throws Exception {
        pg.createDatabase("store_retention");
        DataSource ds = pg.dataSource("store_retention");
        Clock then = Clock.fixed(T0, ZoneOffset.UTC);
        try (DiffStore store = new DiffStore(ds, DiffStoreConfig.defaults(), then, new SimpleMeterRegistry());
             ShadowComparator comparator = comparator(store, then, "old")) {
            comparator.compare(exchange("old", 1, "X"));
            store.flush().get(10, TimeUnit.SECONDS);
        }
        Clock later = Clock.fixed(T0.plus(Duration.ofDays(8)), ZoneOffset.UTC);
        try (DiffStore store = new DiffStore(ds, DiffStoreConfig.defaults(), later, new SimpleMeterRegistry())) {
            assertThat(store.deleteExpired()).isGreaterThanOrEqualTo(3); // route bucket, field buckets, evidence
        }
        DiffQueries queries = new DiffQueries(ds, new NoiseRule(2, 0.05));
        assertThat(queries.report("old", T0.minusSeconds(3600), 10).comparisons()).isZero();
        assertThat(queries.examples("old", null, 10)).isEmpty();
    }
}
