package dev.strangler.cli.demo;

import static java.util.Objects.requireNonNull;

import dev.strangler.cdc.CdcStatus;
import dev.strangler.cdc.CdcSync;
import dev.strangler.cdc.CdcSyncConfig;
import dev.strangler.cdc.Direction;
import dev.strangler.cdc.ShippedMappings;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.proxy.ProxyConfigLoader;
import dev.strangler.proxy.ProxyServer;
import dev.strangler.sample.monolith.MonolithApp;
import dev.strangler.sample.monolith.MonolithConfig;
import dev.strangler.sample.monolith.MonolithSeeder;
import dev.strangler.sample.monolith.SeedSpec;
import dev.strangler.services.appointments.AppointmentsApp;
import dev.strangler.services.appointments.AppointmentsConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole migration on one machine, in one process: an embedded PostgreSQL holding the
 * monolith's and the appointments service's databases, the seeded sample monolith, the extracted
 * appointments service, CDC both ways between their databases, the routing proxy with the
 * appointments route at 0 % and mirrored to the new service (bookings as dry runs; comparisons in the
 * {@value #SHADOW_DB} database, shown on the dashboard), and simulated traffic. {@link #close()} stops everything in reverse order and removes temporary data.
 */
public final class Demo implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Demo.class);
    private static final long SEED = 42;
    /** The demo's diff store database (shadow comparisons of the appointments route). */
    public static final String SHADOW_DB = "shadow";

    private final StartedParts parts = new StartedParts("demo");
    private final Path dataDir;
    private final boolean temporary;
    private final String adminToken;
    private ProxyServer proxy;
    private DemoTraffic traffic;
    private Path proxyConfigFile;
    private LocalPostgres pg;
    private CdcSync forwardSync;
    private CdcSync reverseSync;

    private Demo(Path dataDir, boolean temporary) {
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.adminToken = WorkFiles.newToken();
    }

    /** Starts every part; on failure stops what already started and rethrows. */
    public static Demo start(DemoSettings settings) {
        requireNonNull(settings, "settings");
        Demo demo;
        try {
            boolean temporary = settings.dataDir() == null;
            Path dir = temporary ? Files.createTempDirectory("strangler-demo-") : settings.dataDir();
            Files.createDirectories(dir);
            demo = new Demo(dir.toAbsolutePath(), temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("demo: cannot create the data directory: " + e.getMessage(), e);
        }
        try {
            demo.startParts(settings);
            return demo;
        } catch (RuntimeException | Error e) {
            demo.close();
            throw e;
        }
    }

    private void startParts(DemoSettings settings) throws RuntimeException {
        pg = parts.track(LocalPostgres.builder()
                .dataDirectory(dataDir.resolve("postgres"))
                .keepData(!temporary)
                .start());
        DataSource monolithDb = pg.dataSource("monolith", 12);
        DataSource appointmentsDb = pg.dataSource("appointments", 12);

        SeedSpec seed = SeedSpec.of(settings.patients(), settings.physicians(), SEED);
        MonolithSeeder.Result seeded = MonolithSeeder.seed(monolithDb, seed);
        MonolithConfig monolithConfig = MonolithConfig.builder(monolithDb).build();
        MonolithApp monolith = parts.track(MonolithApp.start(monolithConfig));
        AppointmentsApp.migrations().migrate(appointmentsDb);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        startCdc(pg, monolithDb, appointmentsDb, registry);
        AppointmentsApp appointments = parts.track(AppointmentsApp.start(
                AppointmentsConfig.builder(appointmentsDb).zone(monolithConfig.zone()).build()));

        pg.createDatabase(SHADOW_DB);
        proxyConfigFile = DemoProxyConfig.write(dataDir, settings, monolith.port(), appointments.port(), adminToken,
                pg.jdbcUrl(SHADOW_DB), WorkFiles.newToken());
        proxy = parts.track(ProxyServer.start(ProxyConfigLoader.load(proxyConfigFile), registry, Clock.systemUTC()));

        if (settings.rps() > 0) {
            traffic = parts.track(DemoTraffic.start(proxyUrl(), monolithDb, seed.firstDay(), seed.days(), settings.rps()));
        }
    }

    /**
     * CDC both ways through the shipped mapping: forward (monolith → appointments) copies the
     * seeded rows first, then streams; reverse (appointments → monolith) streams the service's own
     * writes back. Replication origins keep the two from echoing each other.
     */
    private void startCdc(LocalPostgres pg, DataSource monolithDb, DataSource appointmentsDb,
            PrometheusMeterRegistry registry) {
        DemoSql.exec(monolithDb, "ALTER TABLE phys_lic REPLICA IDENTITY FULL"); // the mapping's key is not the PK
        Path mapping = ShippedMappings.extract("appointments", dataDir);
        String legacyUrl = pg.jdbcUrl("monolith");
        String newUrl = pg.jdbcUrl("appointments");
        forwardSync = parts.track(CdcSync.start(CdcSyncConfig.builder().source(legacyUrl).target(newUrl).mapping(mapping)
                .slot("demo_fwd").direction(Direction.FORWARD).build(), registry, Clock.systemUTC()));
        DemoSql.awaitEqualCounts(monolithDb, "appt", appointmentsDb, "appointments", Duration.ofSeconds(90));
        reverseSync = parts.track(CdcSync.start(CdcSyncConfig.builder().source(newUrl).target(legacyUrl).control(newUrl)
                .mapping(mapping).slot("demo_rev").direction(Direction.REVERSE).snapshot(false).build(),
                registry, Clock.systemUTC()));
    }

    /** Forward and reverse CDC status, for the heartbeat line. */
    public String cdcSummary() {
        CdcStatus f = forwardSync.status();
        CdcStatus r = reverseSync.status();
        return "cdc forward " + f.role() + " lag " + f.lagMs() + " ms, dlq " + f.dlqSize()
                + "; reverse " + r.role() + " lag " + r.lagMs() + " ms, dlq " + r.dlqSize();
    }


    /** Where clients send requests. */
    public URI proxyUrl() {
        return URI.create("http://127.0.0.1:" + proxy.port() + "/");
    }

    /** The admin API (and CLI target). */
    public URI adminUrl() {
        return URI.create("http://127.0.0.1:" + proxy.adminPort());
    }

    /** The SRE dashboard (shadow diffs of the appointments route) on the admin port. */
    public URI dashboardUrl() {
        return URI.create(adminUrl() + "/dashboard");
    }

    /** The bearer token of the demo's operator. */
    public String adminToken() {
        return adminToken;
    }

    /** The proxy config the demo generated (a real file the user can read and reuse). */
    public Path proxyConfigFile() {
        return proxyConfigFile;
    }

    /** Outcomes of the simulated traffic so far; all zero with traffic off. */
    public DemoTraffic.Counts trafficCounts() {
        return traffic == null ? new DemoTraffic.Counts(0, 0, 0, 0, 0) : traffic.counts();
    }

    /** JDBC URL of one of the demo's databases ({@code monolith} or {@code appointments}). */
    public String jdbcUrl(String database) {
        return pg.jdbcUrl(database);
    }

    /** The data directory (removed on close when temporary). */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        parts.stopAll();
        if (temporary) {
            WorkFiles.deleteRecursively(dataDir);
        }
    }
}
