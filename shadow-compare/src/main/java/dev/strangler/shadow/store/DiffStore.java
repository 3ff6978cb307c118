package dev.strangler.shadow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.shadow.ShadowRouteConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * The diff store's write side. {@link #accept} only offers to a bounded queue (never blocks,
 * drops and counts when full); one background thread drains it, folds records into per-bucket
 * counters ({@link PendingBatch}) and writes them with batched upserts, plus the sampled
 * evidence, every {@code flushInterval}; a batch the database refuses is kept and tried again.
 * It also deletes rows past retention.
 */
public final class DiffStore implements ComparisonSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DiffStore.class);

    private final DataSource dataSource;
    private final DiffStoreConfig config;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final BlockingQueue<Object> queue;
    private final Counter dropped;
    private final Counter writeErrors;
    private final Thread writer;
    private final int wakeAt; // queued records that wake the writer before its interval ends
    private volatile boolean running = true;
    private Instant nextRetention = Instant.MIN;
    private int failedTries; // consecutive failed writes of the held batch (writer thread only)

    /** Creates or upgrades the schema (blocking) and starts the writer thread. */
    public DiffStore(DataSource dataSource, DiffStoreConfig config, Clock clock, MeterRegistry meters) {
        this.dataSource = requireNonNull(dataSource, "dataSource");
        this.config = requireNonNull(config, "config");
        this.clock = requireNonNull(clock, "clock");
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.wakeAt = Math.max(1, Math.min(config.batchSize(), config.queueCapacity() / 2));
        this.dropped = Counter.builder("strangler.shadow.drops").tag("stage", "store")
                .description("Comparison records dropped because the diff store's queue was full").register(meters);
        this.writeErrors = Counter.builder("strangler.shadow.store.errors")
                .description("Failed diff store writes (the batch is kept and tried again)").register(meters);
        int before = DiffSchema.migrate(dataSource);
        log.info("diff store ready: schema version {} (was {}), bucket {}, retention {}",
                DiffSchema.VERSION, before, config.bucket(), config.retention());
        this.writer = new Thread(this::run, "shadow-diff-store-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    @Override
    public boolean accept(ComparisonRecord record) {
        if (!running || !queue.offer(record)) {
            dropped.increment();
            return false;
        }
        if (queue.size() >= wakeAt) {
            LockSupport.unpark(writer); // a batch is ready: write it before the interval ends
        }
        return true;
    }

    /** Remembers a route's shadow settings (read back by {@code strangler shadow replay}). */
    public void saveRouteConfig(ShadowRouteConfig route) {
        String sql = "INSERT INTO shadow_route_config (route, config, updated_at) VALUES (?, ?::jsonb, ?) "
                + "ON CONFLICT (route) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, route.route());
            ps.setString(2, json.writeValueAsString(route));
            ps.setTimestamp(3, Timestamp.from(clock.instant()));
            ps.executeUpdate();
        } catch (SQLException | JsonProcessingException e) {
            throw new DiffStoreException("diff store: saving config of route " + route.route() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Writes everything queued so far and completes when it is in the database (tests and
     * shutdown use it; the proxy never needs to).
     */
    public CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!running) {
            done.complete(null);
        } else {
            try {
                queue.put(done); // a marker: the writer completes it after the batch before it is written
                LockSupport.unpark(writer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done.completeExceptionally(e);
            }
        }
        return done;
    }

    /** Deletes rows older than the retention now (the writer also does it periodically). */
    public int deleteExpired() {
        Instant cutoff = clock.instant().minus(config.retention());
        int deleted = 0;
        try (Connection c = dataSource.getConnection()) {
            for (String sql : List.of("DELETE FROM shadow_route_bucket WHERE bucket < ?",
                    "DELETE FROM shadow_field_bucket WHERE bucket < ?",
                    "DELETE FROM shadow_evidence WHERE created_at < ?")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setTimestamp(1, Timestamp.from(cutoff));
                    deleted += ps.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new DiffStoreException("diff store: deleting rows older than " + cutoff + " failed: " + e.getMessage(), e);
        }
        return deleted;
    }

    private void run() {
        PendingBatch batch = new PendingBatch(config.bucket(), json);
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        List<Object> drained = new ArrayList<>();
        long flushNanos = config.flushInterval().toNanos();
        long nextFlush = System.nanoTime() + flushNanos;
        while (running || !queue.isEmpty()) {
            try {
                long wait = nextFlush - System.nanoTime();
                if (wait > 0 && queue.size() < wakeAt) {
                    // Sleeps until the interval ends, a batch is full or a flush is asked (accept and
                    // flush unpark), not until the next record: a wake-up per record is a futex call
                    // and, on a busy machine, a context switch each.
                    LockSupport.parkNanos(this, wait);
                }
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
                boolean flushAsked = takeQueued(drained, batch, waiting);
                // While the database fails, a held batch is tried once per interval, not per full batch.
                boolean full = failedTries == 0 && batch.size() >= config.batchSize();
                if (flushAsked || full || System.nanoTime() >= nextFlush) {
                    write(batch);
                    waiting.forEach(f -> f.complete(null));
                    waiting.clear();
                    nextFlush = System.nanoTime() + flushNanos;
                    retentionIfDue();
                }
            } catch (RuntimeException e) {
                // Keep the writer alive: a bad batch must not stop the store for good.
                log.warn("diff store writer: {}", e.getMessage());
            }
        }
        takeQueued(drained, batch, waiting);
        write(batch);
        waiting.forEach(f -> f.complete(null));
    }

    /** Moves what is queued into the batch (records) and {@code waiting} (flush markers); true when a flush was asked. */
    private boolean takeQueued(List<Object> drained, PendingBatch batch, List<CompletableFuture<Void>> waiting) {
        queue.drainTo(drained);
        boolean flushAsked = false;
        for (Object item : drained) {
            if (item instanceof ComparisonRecord record) {
                batch.add(record);
            } else if (item instanceof CompletableFuture<?> marker) {
                @SuppressWarnings("unchecked")
                CompletableFuture<Void> future = (CompletableFuture<Void>) marker;
                waiting.add(future);
                flushAsked = true;
            }
        }
        drained.clear();
        return flushAsked;
    }

    /**
     * Writes the batch. A failed batch is kept and tried again at the next interval, with what
     * arrives meanwhile folded in (counters add up, so it grows by keys and sampled evidence, not
     * by records): a database restart or a short outage loses nothing. Only a batch that outgrows
     * {@code queueCapacity} entries while the database stays away is dropped, and its records
     * counted in {@code strangler.shadow.drops{stage=store}}.
     */
    private void write(PendingBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            try {
                writeOnce(batch);
            } catch (SQLException e) {
                if (!brokenConnection(e)) {
                    throw e;
                }
                // A pooled connection from before a database restart: the pool has evicted it, and
                // nothing was committed, so one more try on a fresh connection loses nothing.
                writeOnce(batch);
            }
            if (failedTries > 0) {
                log.info("diff store: writing again after {} failed tries; {} comparison records held meanwhile are written",
                        failedTries, batch.size());
            }
            failedTries = 0;
            batch.clear();
        } catch (SQLException e) {
            writeErrors.increment();
            failedTries++;
            if (batch.entries() > config.queueCapacity()) {
                dropped.increment(batch.size());
                log.warn("diff store: writing {} comparison records failed (try {}), batch dropped: more than {} entries (queueCapacity) held: {}",
                        batch.size(), failedTries, config.queueCapacity(), e.getMessage());
                batch.clear();
            } else if (failedTries == 1 || failedTries % 60 == 0) {
                log.warn("diff store: writing {} comparison records failed (try {}), kept for the next try: {}",
                        batch.size(), failedTries, e.getMessage());
            }
        }
    }

    private void writeOnce(PendingBatch batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            batch.writeTo(c);
            c.commit();
        }
    }

    /** SQLSTATE class 08 (connection exception) raised by a statement, not by the pool's own timeout. */
    private static boolean brokenConnection(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("08")
                && !(e instanceof java.sql.SQLTransientConnectionException);
    }

    private void retentionIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextRetention)) {
            return;
        }
        nextRetention = now.plus(config.retentionCheckInterval());
        try {
            int deleted = deleteExpired();
            if (deleted > 0) {
                log.info("diff store retention: deleted {} rows older than {}", deleted, config.retention());
            }
        } catch (DiffStoreException e) {
            log.warn("{}", e.getMessage());
        }
    }

    /** Stops accepting, writes what is queued, and stops the writer (waits up to 10 s). */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            log.warn("diff store writer did not stop within 10 s; {} records unwritten", queue.size());
        }
    }
}
