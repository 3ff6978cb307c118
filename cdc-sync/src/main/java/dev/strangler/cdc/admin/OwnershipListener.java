package dev.strangler.cdc.admin;

import dev.strangler.cdc.JdbcUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes a syncer as soon as {@code cdc owner} commits a change ({@link Ownership#change} sends
 * {@code NOTIFY strangler_cdc_owner} in its transaction), so the new owner applies within
 * milliseconds rather than at the next periodic re-read. Purely an accelerator: while the control
 * database is away it reconnects every second, and the periodic re-read still runs.
 */
public final class OwnershipListener implements AutoCloseable {

    static final String CHANNEL = "strangler_cdc_owner";
    private static final Logger log = LoggerFactory.getLogger(OwnershipListener.class);

    private final String controlUrl;
    private final String slot;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean closed;

    private OwnershipListener(String controlUrl, String slot, Runnable onChange) {
        this.controlUrl = controlUrl;
        this.slot = slot;
        this.onChange = onChange;
        this.thread = new Thread(this::run, "cdc-owner-listen-" + slot);
        this.thread.setDaemon(true);
    }

    /** Starts listening; {@code onChange} runs on the listener's thread after each notice (and after each reconnect). */
    public static OwnershipListener start(String controlUrl, String slot, Runnable onChange) {
        OwnershipListener l = new OwnershipListener(controlUrl, slot, onChange);
        l.thread.start();
        return l;
    }

    private void run() {
        while (!closed) {
            try (Connection c = JdbcUrl.connect(controlUrl)) {
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                onChange.run(); // a change committed while we were not listening is read now
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notices = pg.getNotifications(1000);
                    if (notices != null && notices.length > 0) {
                        onChange.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    log.debug("slot {}: ownership notices unavailable ({}); re-reading periodically, reconnecting in 1 s",
                            slot, e.getMessage());
                    waitBeforeReconnect();
                }
            }
        }
    }

    private void waitBeforeReconnect() {
        LockSupport.parkNanos(this, 1_000_000_000L); // close() unparks; a spurious wake-up only reconnects sooner
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(3000); // getNotifications returns within 1 s
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
