package dev.strangler.cdc;

import dev.strangler.cdc.admin.Ownership;
import dev.strangler.cdc.admin.OwnershipListener;
import dev.strangler.cdc.admin.ParkedWrites;
import dev.strangler.cdc.apply.BatchHandler;
import dev.strangler.cdc.apply.ChangeApplier;
import dev.strangler.cdc.apply.Route;
import dev.strangler.cdc.apply.SyncMetrics;
import dev.strangler.cdc.engine.EngineProperties;
import dev.strangler.cdc.engine.InitialCopy;
import dev.strangler.cdc.offset.OffsetTable;
import dev.strangler.legacyadapter.mapping.MappingLoader;
import dev.strangler.legacyadapter.mapping.ServiceMapping;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running syncer: waits for its slot's advisory lock (standby), then runs a Debezium
 * embedded engine on the source and applies changes to the target through the mapping. If the
 * engine or the target connection fails, it starts again from the offset stored in the target.
 *
 * <p>The advisory lock is held by the apply connection itself: if that session dies, the lock
 * is released and this syncer can no longer write, so two syncers never apply at once.
 */
public final class CdcSync implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CdcSync.class);
    private static final long ENGINE_START_TIMEOUT_SECONDS = 60;

    private final CdcSyncConfig config;
    private final List<Route> routes;
    private final ParkedWrites parked;
    private final SyncMetrics metrics;
    private final Clock clock;
    private final Thread supervisor;
    private final ScheduledExecutorService walMonitor;
    private final Object monitor = new Object();
    private volatile boolean closed;
    private volatile String role = "STARTING";
    private volatile String lastError;
    private volatile ChangeApplier applier;
    private volatile long retainedWal = -1;
    private volatile Map<String, Ownership.Owner> owners = Map.of();
    private volatile java.time.Instant acknowledgedOwners; // ownership version last recorded as applied
    private volatile OwnershipListener ownerListener;
    private boolean walWarned;

    private CdcSync(CdcSyncConfig config, ServiceMapping mapping, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.routes = Route.of(mapping, config.direction());
        this.parked = new ParkedWrites(config.sourceJdbcUrl(), config.targetJdbcUrl(), mapping, config.direction(),
                config.slotName());
        this.metrics = new SyncMetrics(registry, config.direction().id(), config.slotName());
        this.clock = clock;
        this.supervisor = new Thread(this::supervise, "cdc-" + config.slotName());
        this.walMonitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-wal-" + config.slotName());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads and checks the mapping, then starts syncing in the background (as standby until the
     * slot's lock is free). Throws {@link dev.strangler.legacyadapter.mapping.MappingException}
     * for a bad mapping and {@link CdcSyncException} for a one-way mapping used in reverse.
     */
    public static CdcSync start(CdcSyncConfig config, MeterRegistry registry, Clock clock) {
        ServiceMapping mapping = new MappingLoader().load(config.mapping());
        if (config.direction() == Direction.REVERSE && !mapping.reversible()) {
            throw new CdcSyncException("mapping " + config.mapping() + " cannot drive reverse sync: "
                    + mapping.irreversible());
        }
        CdcSync sync = new CdcSync(config, mapping, registry, clock);
        log.info("starting CDC sync {}", config);
        sync.supervisor.start();
        sync.walMonitor.scheduleWithFixedDelay(sync::checkRetainedWal, 0, 10, TimeUnit.SECONDS);
        long refresh = config.ownerRefresh().toMillis();
        sync.walMonitor.scheduleWithFixedDelay(sync::refreshOwners, refresh, refresh, TimeUnit.MILLISECONDS);
        // One thread re-reads (walMonitor): a notice only queues a re-read there.
        sync.ownerListener = OwnershipListener.start(config.controlJdbcUrl(), config.slotName(),
                () -> sync.walMonitor.execute(sync::refreshOwners));
        return sync;
    }

    private void supervise() {
        while (!closed) {
            try (Connection apply = JdbcUrl.connectForApply(config.targetJdbcUrl())) {
                apply.setAutoCommit(true);
                role = "STANDBY";
                if (!acquireLock(apply)) {
                    break;
                }
                log.info("slot {}: lock acquired, this syncer is active", config.slotName());
                role = "STARTING";
                OffsetTable.ensure(apply);
                Origins.setUp(apply, config.originName());
                try {
                    apply.setAutoCommit(false);
                    if (config.snapshot() && InitialCopy.needed(apply, config.slotName())) {
                        InitialCopy.run(config, routes, apply, clock);
                    }
                    if (!closed) {
                        runEngine(apply);
                    }
                } finally {
                    apply.rollback();
                    apply.setAutoCommit(true);
                    Origins.reset(apply);
                }
            } catch (SQLException | RuntimeException e) {
                lastError = e.getMessage();
                if (!closed) {
                    log.error("slot {}: sync failed, retrying in 1 s: {}", config.slotName(), e.getMessage());
                }
            }
            if (!closed) {
                role = "RETRYING";
                pause(1000);
            }
        }
        role = "STOPPED";
    }

    private boolean acquireLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            ps.setString(1, config.lockName());
            boolean logged = false;
            while (!closed) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return true;
                    }
                }
                if (!logged) {
                    log.info("slot {}: another syncer is active; standing by", config.slotName());
                    logged = true;
                }
                pause(config.lockRetry().toMillis());
            }
            return false;
        }
    }

    private void runEngine(Connection apply) {
        refreshOwners();
        ChangeApplier a = new ChangeApplier(config.slotName(), config.direction().id(), routes, apply, metrics, clock,
                r -> owners.getOrDefault(r.mapping().newTable(), Ownership.Owner.BOTH).syncs(config.direction()));
        applier = a;
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> polling = new CompletableFuture<>();
        DebeziumEngine<RecordChangeEvent<SourceRecord>> e = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(EngineProperties.of(config, routes))
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void pollingStarted() {
                        polling.complete(null);
                    }
                })
                .notifying(new BatchHandler(config.slotName(), a))
                .using((success, message, error) -> {
                    if (!success && !closed) {
                        lastError = message + (error == null ? "" : ": " + rootMessage(error));
                        log.error("slot {}: Debezium engine stopped: {}", config.slotName(), lastError);
                    }
                    done.complete(null);
                })
                .build();
        Thread runner = new Thread(e, "cdc-engine-" + config.slotName());
        runner.start();
        role = "ACTIVE";
        walMonitor.execute(this::refreshOwners); // record the ownership this syncer applies now, not at the next re-read
        try {
            while (!done.isDone() && !closed) {
                synchronized (monitor) {
                    monitor.wait(200);
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } finally {
            stopEngine(e, polling, done);
            joinQuietly(runner);
        }
    }

    /**
     * Debezium cannot stop an engine that is still starting: closed before its run() begins it
     * fails with an ERROR, closed while its tasks start it refuses and keeps running (then logs
     * connection errors when PostgreSQL goes away). A syncer closed right after its initial copy
     * hits that window, so wait until the engine polls (or has ended) before closing it.
     */
    private static void stopEngine(DebeziumEngine<?> e, CompletableFuture<Void> polling, CompletableFuture<Void> done) {
        try {
            CompletableFuture.anyOf(polling, done).get(ENGINE_START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException ex) {
            log.warn("Debezium engine still starting after {} s; stopping it anyway", ENGINE_START_TIMEOUT_SECONDS);
        } catch (java.util.concurrent.ExecutionException ex) {
            log.debug("Debezium engine ended while starting: {}", ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        if (!done.isDone()) {
            closeEngine(e, done);
        }
    }

    /** Current state; reads the dead-letter count from the target. */
    public CdcStatus status() {
        ChangeApplier a = applier;
        long dlq = -1;
        try (Connection c = JdbcUrl.connect(config.targetJdbcUrl());
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM strangler_cdc_dlq WHERE slot = ?")) {
            ps.setString(1, config.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                dlq = rs.getLong(1);
            }
        } catch (SQLException e) {
            log.debug("slot {}: dead-letter count unavailable: {}", config.slotName(), e.getMessage());
        }
        long lsn = a == null ? 0 : a.appliedLsn();
        return new CdcStatus(config.slotName(), config.direction(), role, lsn == 0 ? null : Lsns.format(lsn),
                metrics.lastLagMs(), a == null ? 0 : a.rowsPerSecond(), dlq, retainedWal,
                a == null ? Map.of() : a.stoppedTables(), lastError);
    }

    /** Data ownership as this syncer last read it (new-side table → owner; absent = both). */
    public Map<String, Ownership.Owner> owners() {
        return owners;
    }

    /** The meters of this syncer (lag timer etc.). */
    public SyncMetrics metrics() {
        return metrics;
    }

    private void checkRetainedWal() {
        try (Connection c = JdbcUrl.connect(config.sourceJdbcUrl());
                PreparedStatement ps = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)"
                        + " FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, config.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    retainedWal = rs.getLong(1);
                    metrics.retainedWal(retainedWal);
                    if (retainedWal > config.walWarnBytes() && !walWarned) {
                        log.warn("slot {} retains {} MB of WAL on the source (threshold {} MB): the syncer is behind or"
                                + " stopped; run `strangler cdc status`, or `strangler cdc stop --drop-slot` if it is gone"
                                + " for good", config.slotName(), retainedWal >> 20, config.walWarnBytes() >> 20);
                    }
                    walWarned = retainedWal > config.walWarnBytes();
                }
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("slot {}: retained WAL check failed: {}", config.slotName(), e.getMessage());
        }
    }

    /**
     * Ownership is control-plane state: re-read when `cdc owner` notifies (and every
     * {@code ownerRefresh}, 2 s by default, as a fallback), so a change takes effect without a
     * restart. The active syncer then records the version it applies, which `cdc owner` waits for.
     */
    private void refreshOwners() {
        Ownership.Snapshot snapshot;
        try {
            snapshot = Ownership.snapshot(config.controlJdbcUrl());
        } catch (CdcSyncException e) {
            log.warn("slot {}: data ownership unavailable, keeping the last known: {}", config.slotName(), e.getMessage());
            return;
        }
        owners = snapshot.owners();
        if ("ACTIVE".equals(role)) {
            if (!snapshot.version().equals(acknowledgedOwners)) {
                try {
                    Ownership.acknowledge(config.controlJdbcUrl(), config.slotName(), config.direction().id(), snapshot.version());
                    acknowledgedOwners = snapshot.version();
                } catch (CdcSyncException e) {
                    log.warn("slot {}: {}", config.slotName(), e.getMessage());
                }
            }
            parked.applyOwned(owners);
        }
    }

    private void pause(long millis) {
        synchronized (monitor) {
            try {
                if (!closed) {
                    monitor.wait(millis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (monitor) {
            monitor.notifyAll();
        }
        // The supervisor closes the engine (and resets the origin) when it sees `closed`.
        joinQuietly(supervisor);
        if (ownerListener != null) {
            ownerListener.close();
        }
        walMonitor.shutdownNow();
        log.info("CDC sync {} stopped", config.slotName());
    }

    private static void closeEngine(DebeziumEngine<?> e, CompletableFuture<Void> done) {
        try {
            e.close();
        } catch (IOException | RuntimeException ex) {
            if (!done.isDone()) { // else it ended on its own meanwhile: nothing to close
                log.warn("Debezium engine did not close cleanly: {}", ex.getMessage());
            }
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
