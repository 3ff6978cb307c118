package dev.strangler.proxy.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.proxy.ControlPlaneConfig;
import dev.strangler.proxy.admin.AdminException;
import dev.strangler.proxy.admin.AuditEntry;
import dev.strangler.proxy.admin.AuditJson;
import dev.strangler.proxy.admin.AuditQuery;
import dev.strangler.proxy.admin.AuditStore;
import dev.strangler.proxy.admin.EndpointChange;
import dev.strangler.proxy.admin.RouteChange;
import dev.strangler.proxy.admin.RouteStateStore;
import dev.strangler.proxy.admin.RouteStore;
import dev.strangler.proxy.admin.WeightOverlay;
import dev.strangler.proxy.backend.EndpointOverride;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteTable;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route weights and the audit log in a PostgreSQL database shared by a fleet of proxies.
 *
 * <ul>
 *   <li>Changes commit through a small HikariCP pool ({@link ControlRepository#commit}); the commit
 *       notifies channel {@value ControlRepository#CHANNEL}.</li>
 *   <li>One dedicated connection per proxy LISTENs ({@link ControlPlaneFollower}, its own thread,
 *       never an event loop) and re-reads the table on every notification; after every (re)connect
 *       it re-reads everything, so a notification missed while disconnected cannot leave the proxy
 *       stale.</li>
 *   <li>Every table served is also written to the state file, the proxy's disk cache: a proxy that
 *       starts while the database is unreachable serves its last known table.</li>
 *   <li>Endpoint changes made through the admin API ({@code control_backend}) travel the same way:
 *       committed under the same lock, notified, re-read on every (re)connect, cached in the state file.</li>
 *   <li>While the database is unreachable the proxy keeps serving and reports {@code degraded};
 *       changes answer 503 and are made nowhere. It reconnects with jittered exponential backoff up
 *       to {@code reconnectMaxBackoff}.</li>
 * </ul>
 */
public final class PgControlPlane implements RouteStore, AuditStore {

    private static final Logger LOG = LoggerFactory.getLogger(PgControlPlane.class);

    private final ControlPlaneConfig config;
    private final ControlRepository repo;
    private final RouteStateStore cache;
    private final ObjectMapper json;
    private final List<Route> configured;
    private final HikariDataSource pool;
    private final AtomicReference<ControlPlaneStatus> status =
            new AtomicReference<>(new ControlPlaneStatus("degraded", "not connected yet"));
    private final MeterRegistry registry;
    private final Object cacheLock = new Object();
    private Connection fromLoad;
    private ControlPlaneFollower follower;
    /** Every backend's committed endpoint change as last read or committed; guarded by cacheLock. */
    private final Map<String, EndpointOverride> endpoints = new LinkedHashMap<>();
    private volatile Consumer<Map<String, EndpointOverride>> endpointSink = m -> { };

    /**
     * @param configured the YAML routes
     * @param cache      the state file: written on every table served, read when the database is down at start
     * @param registry   gets {@code strangler.proxy.control.plane.connected} and {@code ….reloads{reason}}
     */
    public PgControlPlane(ControlPlaneConfig config, List<Route> configured, RouteStateStore cache, ObjectMapper json,
                          MeterRegistry registry) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("controlPlane.jdbcUrl: missing (PgControlPlane needs a database)");
        }
        this.config = config;
        this.configured = List.copyOf(configured);
        this.repo = new ControlRepository(configured, json);
        this.cache = cache;
        this.json = json;
        this.pool = pool(config);
        Gauge.builder("strangler.proxy.control.plane.connected", status, s -> s.get().state().equals("connected") ? 1 : 0)
                .description("1 while the control-plane database is reachable, 0 while serving a cached table")
                .register(registry);
        this.registry = registry;
    }

    private static HikariDataSource pool(ControlPlaneConfig config) {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(config.jdbcUrl());
        h.setPoolName("strangler-control");
        h.setMaximumPoolSize(4);
        h.setMinimumIdle(1);
        h.setConnectionTimeout(config.connectTimeout().toMillis());
        h.setValidationTimeout(Math.min(1000, config.connectTimeout().toMillis() - 1));
        h.setInitializationFailTimeout(-1); // start without the database: the proxy serves its cached table
        connectionProperties(config).forEach((k, v) -> h.addDataSourceProperty((String) k, v));
        return new HikariDataSource(h);
    }

    /** Defaults only: settings in the user's JDBC URL win (pgjdbc reads the URL last). */
    private static Properties connectionProperties(ControlPlaneConfig config) {
        Properties p = new Properties();
        String seconds = Long.toString(Math.max(1, (config.connectTimeout().toMillis() + 999) / 1000));
        p.setProperty("connectTimeout", seconds);
        p.setProperty("loginTimeout", seconds);
        p.setProperty("socketTimeout", "10");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "strangler-proxy");
        return p;
    }

    @Override
    public RouteTable load(List<Route> ignored) {
        try {
            Connection c = connect();
            RouteTable t = repo.table(repo.read(c));
            Map<String, EndpointOverride> eps = repo.readBackends(c);
            fromLoad = c;
            connected();
            saveCache(t);
            endpointsRead(eps);
            LOG.info("control plane {}: route table version {}", config.maskedUrl(), t.version());
            return t;
        } catch (SQLException e) {
            degraded(e);
            try {
                Map<String, EndpointOverride> cached = cache.loadBackends();
                synchronized (cacheLock) {
                    endpoints.putAll(cached);
                }
                cached.forEach((name, o) -> LOG.warn("backend {}: endpoints {} (draining {}) from the cache {}, version {}",
                        name, o.keys(), o.draining(), cache.file(), o.version()));
            } catch (RuntimeException ce) {
                LOG.warn("cannot read the endpoint cache {} ({}); backends use their config's endpoints", cache.file(),
                        ce.getMessage());
            }
            Optional<RouteStateStore.Saved> saved = readCache();
            if (saved.isPresent()) {
                RouteStateStore.Saved s = saved.get();
                LOG.warn("control plane {} unavailable at start ({}); serving the cached table version {} from {}",
                        config.maskedUrl(), oneLine(e), s.tableVersion(), cache.file());
                return WeightOverlay.table(configured, s.tableVersion(), s.weights(), s.routeVersions(),
                        cache.file().toString());
            }
            LOG.warn("control plane {} unavailable at start ({}) and no cached table in {}; serving the config's weights",
                    config.maskedUrl(), oneLine(e), cache.file());
            return new RouteTable(1, configured);
        }
    }

    @Override
    public synchronized void follow(TableSink sink) {
        if (follower != null) {
            throw new IllegalStateException("already following");
        }
        follower = new ControlPlaneFollower(this, repo, sink, fromLoad, config.reconnectMaxBackoff(), registry);
        fromLoad = null;
        follower.start();
    }

    /** A new dedicated connection, schema migrated and this proxy's routes registered. */
    Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(config.jdbcUrl(), connectionProperties(config));
        try {
            ControlSchema.migrate(c);
            repo.register(c);
            return c;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    @Override
    public Commit commit(RouteTable current, RouteChange change) {
        try (Connection c = pool.getConnection()) {
            Commit commit = repo.commit(c, current, change);
            saveCache(commit.table());
            return commit;
        } catch (SQLException e) {
            degradedHint(e);
            throw unavailable("change not applied on any proxy", e);
        }
    }

    @Override
    public Map<String, EndpointOverride> loadEndpoints() {
        synchronized (cacheLock) {
            return Map.copyOf(endpoints);
        }
    }

    @Override
    public void followEndpoints(Consumer<Map<String, EndpointOverride>> sink) {
        endpointSink = sink;
    }

    @Override
    public EndpointCommit commitEndpoints(EndpointOverride current, EndpointChange change) {
        EndpointCommit commit;
        try (Connection c = pool.getConnection()) {
            commit = repo.commitEndpoints(c, current, change);
        } catch (SQLException e) {
            degradedHint(e);
            throw unavailable("endpoint change not applied on any proxy", e);
        }
        synchronized (cacheLock) {
            EndpointOverride known = endpoints.get(change.backend());
            if (known == null || known.version() < commit.override().version()) {
                endpoints.put(change.backend(), commit.override());
            }
            saveEndpointCache();
        }
        return commit;
    }

    /** A full read of {@code control_backend} (start, reconnect, notification): cache it, hand it on. */
    void endpointsRead(Map<String, EndpointOverride> read) {
        synchronized (cacheLock) {
            read.forEach((name, o) -> {
                EndpointOverride known = endpoints.get(name);
                if (known == null || known.version() != o.version()) {
                    endpoints.put(name, o);
                }
            });
            saveEndpointCache();
        }
        endpointSink.accept(read);
    }

    private void saveEndpointCache() {
        try {
            cache.saveBackends(endpoints);
        } catch (RuntimeException e) {
            LOG.warn("cannot write the endpoint cache {} ({}); a restart without the database would use older"
                    + " endpoints", cache.file(), e.getMessage());
        }
    }

    @Override
    public AuditEntry append(AuditEntry e) {
        try (Connection c = pool.getConnection()) {
            return repo.append(c, e);
        } catch (SQLException ex) {
            throw unavailable("audit entry not written", ex);
        }
    }

    @Override
    public List<AuditEntry> query(AuditQuery q) {
        try (Connection c = pool.getConnection()) {
            return repo.query(c, q);
        } catch (SQLException e) {
            throw unavailable("cannot read the audit log", e);
        }
    }

    @Override
    public ObjectNode toJson(AuditEntry e) {
        return AuditJson.toJson(json, e);
    }

    @Override
    public AuditStore audit() {
        return this;
    }

    @Override
    public Optional<ControlPlaneStatus> controlPlane() {
        return Optional.of(status.get());
    }

    private AdminException unavailable(String what, SQLException e) {
        LOG.warn("control plane {}: {}: {}", config.maskedUrl(), what, oneLine(e));
        return AdminException.controlPlaneUnavailable("control plane unreachable (" + oneLine(e) + "); " + what
                + "; retry when the control-plane database is back (see runbooks/control-plane-db-down.md)");
    }

    void connected() {
        ControlPlaneStatus prev = status.getAndSet(new ControlPlaneStatus("connected", ""));
        if (!prev.state().equals("connected")) {
            LOG.info("control plane {}: connected, following changes", config.maskedUrl());
        }
    }

    void degraded(Exception e) {
        ControlPlaneStatus prev = status.get();
        if (prev.state().equals("connected") || prev.detail().equals("not connected yet")) {
            status.set(new ControlPlaneStatus("degraded", "control-plane database unavailable since " + Instant.now()
                    + " (" + oneLine(e) + "); serving the last known route table, changes answer 503"));
            if (prev.state().equals("connected")) { // at start, load() says it in its own words
                LOG.warn("control plane {} unavailable ({}); serving the last known route table and reconnecting",
                        config.maskedUrl(), oneLine(e));
            }
        }
    }

    /** A failed commit is a hint only: the follower's connection decides whether we are degraded. */
    private void degradedHint(SQLException e) {
        ControlPlaneFollower f;
        synchronized (this) {
            f = follower;
        }
        if (f == null || !f.listening()) {
            degraded(e);
        }
    }

    void saveCache(RouteTable t) {
        synchronized (cacheLock) {
            try {
                cache.save(t);
            } catch (RuntimeException e) {
                LOG.warn("cannot write the route-table cache {} ({}); a restart without the database would use an"
                        + " older table", cache.file(), e.getMessage());
            }
        }
    }

    private Optional<RouteStateStore.Saved> readCache() {
        try {
            return cache.loadSaved();
        } catch (RuntimeException e) {
            LOG.warn("cannot read the route-table cache {} ({})", cache.file(), e.getMessage());
            return Optional.empty();
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a control-plane connection: {}", e.toString()); // it is broken already
        }
    }

    @Override
    public void close() {
        ControlPlaneFollower f;
        synchronized (this) {
            f = follower;
        }
        if (f != null) {
            f.close();
        }
        closeQuietly(fromLoad);
        pool.close();
    }

    @Override
    public String toString() {
        return "PgControlPlane{" + config.maskedUrl() + ", " + status.get().state() + "}";
    }
}
