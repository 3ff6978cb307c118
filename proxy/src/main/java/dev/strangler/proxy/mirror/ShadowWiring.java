package dev.strangler.proxy.mirror;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.proxy.MirrorConfig;
import dev.strangler.proxy.ProxyConfig;
import dev.strangler.proxy.ProxyException;
import dev.strangler.proxy.backend.Backends;
import dev.strangler.shadow.ShadowComparator;
import dev.strangler.shadow.ShadowComparatorConfig;
import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.dashboard.Dashboard;
import dev.strangler.shadow.dashboard.RouteStatsProvider;
import dev.strangler.shadow.noise.NoiseRule;
import dev.strangler.shadow.redact.RedactionConfig;
import dev.strangler.shadow.store.DiffQueries;
import dev.strangler.shadow.store.DiffStore;
import dev.strangler.shadow.store.DiffStoreConfig;
import dev.strangler.shadow.store.DiffStoreException;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the shadow side of a proxy from its config: the diff store's connection pool, the
 * {@link DiffStore}, the {@link ShadowComparator} and the {@link Mirror}; and the dashboard over the
 * same store. A diff store that is unreachable at start does not stop the proxy: mirroring and the
 * dashboard stay off (WARN), the primary path is unaffected.
 */
public final class ShadowWiring implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowWiring.class);

    private final Mirror mirror;
    private final HikariDataSource dataSource;
    private final String unavailable;

    private ShadowWiring(Mirror mirror, HikariDataSource dataSource, String unavailable) {
        this.mirror = mirror;
        this.dataSource = dataSource;
        this.unavailable = unavailable;
    }

    /** Starts what {@code config.mirror()} asks for (nothing without {@code shadowStore.jdbcUrl}). */
    public static ShadowWiring start(ProxyConfig config, Backends backends, MeterRegistry meters, Clock clock,
                                     Class<? extends Channel> channelClass, IoHandlerFactory ioHandlers) {
        MirrorConfig mc = config.mirror();
        if (mc.storeJdbcUrl() == null) {
            return new ShadowWiring(Mirror.disabled(), null,
                    "the dashboard needs a diff store: set shadowStore.jdbcUrl in the proxy config");
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(mc.storeJdbcUrl());
        hc.setPoolName("shadow-diff-store");
        hc.setMaximumPoolSize(4);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(5_000);
        hc.setInitializationFailTimeout(-1); // an unreachable store must not stop the proxy from starting
        HikariDataSource ds = new HikariDataSource(hc);
        DiffStore store;
        try {
            store = new DiffStore(ds, DiffStoreConfig.defaults(), clock, meters);
        } catch (DiffStoreException | IllegalStateException e) {
            LOG.warn("diff store {} unavailable ({}); mirroring and the dashboard are off until the proxy restarts",
                    MirrorConfig.maskUrl(mc.storeJdbcUrl()), e.getMessage());
            ds.close();
            return new ShadowWiring(Mirror.disabled(), null, "diff store unavailable at start; restart the proxy once it is up");
        }
        ShadowComparator comparator;
        try {
            comparator = ShadowComparator.builder()
                    .config(ShadowComparatorConfig.builder().workers(mc.compareWorkers()).build())
                    .routes(mc.routes())
                    .normalizers(mc.normalizers())
                    .redaction(RedactionConfig.builder().hmacKey(mc.hmacKey()).build())
                    .sink(store).meters(meters).clock(clock)
                    .build();
        } catch (IllegalArgumentException e) {
            store.close();
            ds.close();
            throw new ProxyException("shadow: " + e.getMessage(), e);
        }
        try {
            for (ShadowRouteConfig r : mc.routes()) {
                store.saveRouteConfig(r); // read back by `strangler shadow replay`
            }
            comparator.seedNoise(queries(ds), Duration.ofHours(24));
        } catch (DiffStoreException e) {
            LOG.warn("diff store: could not save route settings or seed noise ({}); comparing anyway", e.getMessage());
        }
        Mirror mirror = new Mirror(mc, backends, config.threads(), comparator, meters,
                channelClass, ioHandlers, store, ds);
        if (!mc.routes().isEmpty()) {
            LOG.info("mirroring {} to diff store {} ({} concurrent, queue {}, timeout {}, bodies up to {} bytes)",
                    mc.routes().stream().map(r -> r.route() + " " + (int) (r.sampleRate() * 100) + "% " + r.methods()
                            + " primary " + r.primary().name().toLowerCase(java.util.Locale.ROOT)).toList(),
                    MirrorConfig.maskUrl(mc.storeJdbcUrl()), mc.maxConcurrent(), mc.queueCapacity(), mc.timeout(),
                    mc.maxBodyBytes());
        }
        return new ShadowWiring(mirror, ds, null);
    }

    private static DiffQueries queries(HikariDataSource ds) {
        return new DiffQueries(ds, new NoiseRule(2.0, 0.05));
    }

    public Mirror mirror() {
        return mirror;
    }

    /** The dashboard over the diff store, or null when there is none (see {@link #unavailableReason()}). */
    public Dashboard dashboard(RouteStatsProvider stats, Clock clock) {
        return dataSource == null ? null : new Dashboard(queries(dataSource), stats, clock);
    }

    /** Why there is no dashboard, or null. */
    public String unavailableReason() {
        return unavailable;
    }

    @Override
    public void close() {
        mirror.close(); // comparator, then diff store (flushes), then the pool
    }
}
