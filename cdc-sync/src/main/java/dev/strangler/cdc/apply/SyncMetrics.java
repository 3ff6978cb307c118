package dev.strangler.cdc.apply;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Meters of one syncer, tagged by direction and slot (both low cardinality):
 * {@code strangler.cdc.lag} (source commit → applied), {@code strangler.cdc.rows.applied},
 * {@code strangler.cdc.dlq.records}, {@code strangler.cdc.slot.retained.wal} (bytes).
 */
public final class SyncMetrics {

    private final Timer lag;
    private final Counter rows;
    private final Counter dlq;
    private final Counter skipped;
    private final AtomicLong lastLagMs = new AtomicLong(-1);
    private final AtomicLong retainedWal = new AtomicLong(-1);

    public SyncMetrics(MeterRegistry registry, String direction, String slot) {
        String[] tags = {"direction", direction, "slot", slot};
        lag = Timer.builder("strangler.cdc.lag").description("source commit to applied in the target")
                .tags(tags).publishPercentiles(0.5, 0.99).register(registry);
        rows = Counter.builder("strangler.cdc.rows.applied").tags(tags).register(registry);
        dlq = Counter.builder("strangler.cdc.dlq.records").tags(tags).register(registry);
        skipped = Counter.builder("strangler.cdc.skipped.not.owner")
                .description("changes not applied because the table's owner excludes this direction").tags(tags)
                .register(registry);
        Gauge.builder("strangler.cdc.slot.retained.wal", retainedWal, AtomicLong::get).baseUnit("bytes").tags(tags)
                .register(registry);
        Gauge.builder("strangler.cdc.lag.last", lastLagMs, AtomicLong::get).baseUnit("milliseconds").tags(tags)
                .register(registry);
    }

    void lag(Duration d) {
        lag.record(d);
        lastLagMs.set(d.toMillis());
    }

    void applied(int n) {
        rows.increment(n);
    }

    void deadLettered(int n) {
        if (n > 0) {
            dlq.increment(n);
        }
    }

    void skippedNotOwner() {
        skipped.increment();
    }

    public void retainedWal(long bytes) {
        retainedWal.set(bytes);
    }

    /** Last measured lag in ms, or -1 before the first streamed change. */
    public long lastLagMs() {
        return lastLagMs.get();
    }

    public Timer lagTimer() {
        return lag;
    }
}
