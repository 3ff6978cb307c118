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
import dev.strangler.proxy.admin.RouteChange;
import dev.strangler.proxy.admin.RouteStateStore;
import dev.strangler.proxy.admin.RouteStore;
import dev.strangler.proxy.admin.WeightOverlay;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteTable;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route weights and the audit log in a PostgreSQL database shared by a fleet of proxies.
 *
 * <ul>
 *   <li>Changes commit through a small HikariCP pool ({@link ControlRepository#commit}); the commit
 *       notifies channel {@value ControlRepository#CHANNEL}.</li>
 *   <li>One dedicated connection per proxy LISTENs (thread {@code strangler-control-plane}, blocked in
 *       {@code getNotifications(timeout)}, never an event loop) and re-reads the table on every
 *       notification; after every (re)connect it re-reads everything, so a notification missed while
 *       disconnected cannot leave the proxy stale.</li>
 *   <li>Every table served is also written to the state file, the proxy's disk cache: a proxy that
 *       starts while the database is unreachable serves its last known table.</li>
 *   <li>While the database is unreachable the proxy keeps serving and reports {@code degraded};
 *       changes answer 503 and are made nowhere. It reconnects with jittered exponential backoff
 *       (resilience4j {@link IntervalFunction}) up to {@code reconnectMaxBackoff}.</li>
 * </ul>
 */
public final class PgControlPlane implements RouteStore, AuditStore {

    private static final Logger LOG = LoggerFactory.getLogger(PgControlPlane.class);
    private static final int NOTIFY_WAIT_MS = 500;
    private static final long PING_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final ControlPlaneConfig config;
    private final ControlRepository repo;
    private final RouteStateStore cache;
    private final ObjectMapper json;
    private final List<Route> configured;
    private final HikariDataSource pool;
    private final AtomicReference<ControlPlaneStatus> status =
            new AtomicReference<>(new ControlPlaneStatus("degraded", "not connected yet"));
    private final Counter notifyReloads;
    private final Counter connectReloads;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Object cacheLock = new Object();
    private volatile Connection listening;
    private Connection fromLoad;
    private Thread follower;

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
        this.notifyReloads = Counter.builder("strangler.proxy.control.plane.reloads").tag("reason", "notify")
                .description("route tables re-read from the control plane").register(registry);
        this.connectReloads = Counter.builder("strangler.proxy.control.plane.reloads").tag("reason", "connect")
                .description("route tables re-read from the control plane").register(registry);
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
            fromLoad = c;
            connected();
            saveCache(t);
            LOG.info("control plane {}: route table version {}", config.maskedUrl(), t.version());
            return t;
        } catch (SQLException e) {
            degraded(e);
            Optional<RouteStateStore.Saved> saved = readCache();
            if (saved.isPresent()) {
                RouteStateStore.Saved s = saved.get();
                LOG.warn("control plane {} unreachable at start ({}); serving the cached table version {} from {}",
                        config.maskedUrl(), oneLine(e), s.tableVersion(), cache.file());
                return WeightOverlay.table(configured, s.tableVersion(), s.weights(), s.routeVersions(),
                        cache.file().toString());
            }
            LOG.warn("control plane {} unreachable at start ({}) and no cached table in {}; serving the config's weights",
                    config.maskedUrl(), oneLine(e), cache.file());
            return new RouteTable(1, configured);
        }
    }

    @Override
    public synchronized void follow(TableSink sink) {
        if (follower != null) {
            throw new IllegalStateException("already following");
        }
        follower = new Thread(() -> followLoop(sink), "strangler-control-plane");
        follower.setDaemon(true);
        follower.start();
    }

    private void followLoop(TableSink sink) {
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(100, 2.0, 0.5,
                config.reconnectMaxBackoff().toMillis());
        Connection c = fromLoad;
        fromLoad = null;
        int failures = 0;
        while (closed.getCount() > 0) {
            try {
                if (c == null) {
                    c = connect();
                }
                listening = c;
                listen(c, sink);
            } catch (SQLException | RuntimeException e) {
                if (closed.getCount() == 0) {
                    break;
                }
                degraded(e);
                closeQuietly(c);
                c = null;
                listening = null;
                failures++;
                long waitMs = backoff.apply(Math.min(failures, 30));
                LOG.debug("control plane: reconnect attempt {} in {} ms", failures, waitMs);
                try {
                    if (closed.await(waitMs, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
                continue;
            }
        }
        closeQuietly(c);
    }

    /** LISTEN, re-read everything, then follow notifications until the connection fails or we close. */
    private void listen(Connection c, TableSink sink) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + ControlRepository.CHANNEL);
        }
        // After LISTEN: every commit from now on notifies us, every earlier one is in this read.
        RouteTable fresh = repo.table(repo.read(c));
        connectReloads.increment();
        RouteTable mine = sink.current();
        if (fresh.version() < mine.version()) {
            LOG.warn("control plane is at table version {}, older than this proxy's {} (database restored or"
                    + " recreated?); following the database", fresh.version(), mine.version());
            sink.replace(fresh);
        } else {
            sink.offer(fresh);
        }
        saveCache(sink.current());
        connected();
        PGConnection pg = c.unwrap(PGConnection.class);
        long lastHeard = System.nanoTime();
        while (closed.getCount() > 0) {
            PGNotification[] ns = pg.getNotifications(NOTIFY_WAIT_MS);
            if (ns != null && ns.length > 0) {
                lastHeard = System.nanoTime();
                if (newerThanServed(ns, sink.current().version())) {
                    notifyReloads.increment();
                    if (sink.offer(repo.table(repo.read(c)))) {
                        saveCache(sink.current());
                    }
                }
            } else if (System.nanoTime() - lastHeard > PING_EVERY_NANOS) {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT 1"); // a silent network partition shows up here (socketTimeout)
                }
                lastHeard = System.nanoTime();
            }
        }
    }

    private static boolean newerThanServed(PGNotification[] ns, long served) {
        for (PGNotification n : ns) {
            try {
                if (Long.parseLong(n.getParameter()) > served) {
                    return true;
                }
            } catch (NumberFormatException e) {
                return true; // not ours to judge: re-read
            }
        }
        return false;
    }

    private Connection connect() throws SQLException {
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

    private void connected() {
        ControlPlaneStatus prev = status.getAndSet(new ControlPlaneStatus("connected", ""));
        if (!prev.state().equals("connected")) {
            LOG.info("control plane {}: connected, following changes", config.maskedUrl());
        }
    }

    private void degraded(Exception e) {
        ControlPlaneStatus prev = status.get();
        if (prev.state().equals("connected") || prev.detail().equals("not connected yet")) {
            status.set(new ControlPlaneStatus("degraded", "control-plane database unreachable since " + Instant.now()
                    + " (" + oneLine(e) + "); serving the last known route table, changes answer 503"));
            LOG.warn("control plane {} unreachable ({}); serving the last known route table and reconnecting",
                    config.maskedUrl(), oneLine(e));
        }
    }

    /** A failed commit is a hint only: the follower's connection decides whether we are degraded. */
    private void degradedHint(SQLException e) {
        if (listening == null) {
            degraded(e);
        }
    }

    private void saveCache(RouteTable t) {
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

    private static void closeQuietly(Connection c) {
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
        closed.countDown();
        Connection c = listening;
        Thread t;
        synchronized (this) {
            t = follower;
        }
        if (t != null) {
            try {
                t.join(NOTIFY_WAIT_MS * 4L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(c);
        closeQuietly(fromLoad);
        pool.close();
    }

    @Override
    public String toString() {
        return "PgControlPlane{" + config.maskedUrl() + ", " + status.get().state() + "}";
    }
}
