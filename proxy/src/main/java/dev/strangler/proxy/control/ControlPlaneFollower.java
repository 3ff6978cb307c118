package dev.strangler.proxy.control;

import dev.strangler.proxy.admin.RouteStore.TableSink;
import dev.strangler.proxy.routing.RouteTable;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread ({@code strangler-control-plane}) that keeps one proxy in step with the control plane
 * on a dedicated connection: LISTEN, re-read everything, then block in
 * {@code getNotifications(timeout)} and re-read on every notification newer than the table served.
 * Any failure closes the connection, marks the plane degraded and reconnects after a jittered
 * exponential backoff (resilience4j {@link IntervalFunction}); the full re-read after LISTEN means a
 * notification missed while disconnected cannot leave the proxy stale.
 */
final class ControlPlaneFollower {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneFollower.class);
    private static final int NOTIFY_WAIT_MS = 500;
    private static final long PING_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final PgControlPlane plane;
    private final ControlRepository repo;
    private final TableSink sink;
    private final IntervalFunction backoff;
    private final Counter notifyReloads;
    private final Counter connectReloads;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private volatile Connection listening;
    private Connection first;

    /** @param first an open, migrated connection to start with (from the start-up read), or null */
    ControlPlaneFollower(PgControlPlane plane, ControlRepository repo, TableSink sink, Connection first,
                         Duration maxBackoff, MeterRegistry registry) {
        this.plane = plane;
        this.repo = repo;
        this.sink = sink;
        this.first = first;
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(100, 2.0, 0.5, maxBackoff.toMillis());
        this.notifyReloads = reloads(registry, "notify");
        this.connectReloads = reloads(registry, "connect");
        this.thread = new Thread(this::run, "strangler-control-plane");
        this.thread.setDaemon(true);
    }

    private static Counter reloads(MeterRegistry registry, String reason) {
        return Counter.builder("strangler.proxy.control.plane.reloads").tag("reason", reason)
                .description("route tables re-read from the control plane").register(registry);
    }

    void start() {
        thread.start();
    }

    /** Whether the dedicated connection is up (LISTENing or about to). */
    boolean listening() {
        return listening != null;
    }

    private void run() {
        Connection c = first;
        first = null;
        int failures = 0;
        while (closed.getCount() > 0) {
            try {
                if (c == null) {
                    c = plane.connect();
                }
                listening = c;
                failures = 0;
                follow(c);
            } catch (SQLException | RuntimeException e) {
                if (closed.getCount() == 0) {
                    break;
                }
                plane.degraded(e);
                PgControlPlane.closeQuietly(c);
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
            }
        }
        PgControlPlane.closeQuietly(c);
    }

    /** LISTEN, re-read everything, then follow notifications until the connection fails or we close. */
    private void follow(Connection c) throws SQLException {
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
        plane.saveCache(sink.current());
        plane.endpointsRead(repo.readBackends(c));
        plane.connected();
        PGConnection pg = c.unwrap(PGConnection.class);
        long lastHeard = System.nanoTime();
        while (closed.getCount() > 0) {
            PGNotification[] ns = pg.getNotifications(NOTIFY_WAIT_MS);
            if (ns != null && ns.length > 0) {
                lastHeard = System.nanoTime();
                if (any(ns, ControlRepository.BACKENDS_CHANGED)) {
                    notifyReloads.increment();
                    plane.endpointsRead(repo.readBackends(c));
                }
                if (newerThanServed(ns, sink.current().version())) {
                    notifyReloads.increment();
                    if (sink.offer(repo.table(repo.read(c)))) {
                        plane.saveCache(sink.current());
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

    private static boolean any(PGNotification[] ns, String payload) {
        for (PGNotification n : ns) {
            if (payload.equals(n.getParameter())) {
                return true;
            }
        }
        return false;
    }

    private static boolean newerThanServed(PGNotification[] ns, long served) {
        for (PGNotification n : ns) {
            if (ControlRepository.BACKENDS_CHANGED.equals(n.getParameter())) {
                continue; // handled by the caller
            }
            try {
                if (Long.parseLong(n.getParameter()) > served) {
                    return true;
                }
            } catch (NumberFormatException e) {
                return true; // not a payload we wrote: re-read rather than guess
            }
        }
        return false;
    }

    /** Stops following; waits briefly for the thread (it wakes at least every {@value #NOTIFY_WAIT_MS} ms). */
    void close() {
        closed.countDown();
        Connection c = listening;
        try {
            thread.join(NOTIFY_WAIT_MS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PgControlPlane.closeQuietly(c);
        PgControlPlane.closeQuietly(first);
    }
}
