package dev.strangler.shadow.store;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Diff store settings.
 *
 * @param bucket        width of a counter time bucket (default 1 minute)
 * @param flushInterval how often pending counters and evidence are written (default 1 s)
 * @param batchSize     records that trigger an early write (default 500)
 * @param queueCapacity records waiting for the writer; more are dropped and counted (default 20,000)
 * @param retention     rows older than this are deleted (default 7 days)
 * @param retentionCheckInterval how often the writer deletes old rows (default 10 minutes)
 */
public record DiffStoreConfig(Duration bucket, Duration flushInterval, int batchSize, int queueCapacity,
                              Duration retention, Duration retentionCheckInterval) {

    public DiffStoreConfig {
        positive("bucket", bucket);
        positive("flushInterval", flushInterval);
        positive("retention", retention);
        positive("retentionCheckInterval", retentionCheckInterval);
        if (bucket.toMillis() < 1000 || 86_400_000L % bucket.toMillis() != 0) {
            throw new IllegalArgumentException("bucket: " + bucket + " (expected: whole seconds dividing a day, e.g. PT1M)");
        }
        if (batchSize < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("batchSize " + batchSize + ", queueCapacity " + queueCapacity + " (expected: >= 1)");
        }
    }

    private static void positive(String name, Duration d) {
        requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }

    public static DiffStoreConfig defaults() {
        return new DiffStoreConfig(Duration.ofMinutes(1), Duration.ofSeconds(1), 500, 20_000,
                Duration.ofDays(7), Duration.ofMinutes(10));
    }

    public DiffStoreConfig withRetention(Duration retention) {
        return new DiffStoreConfig(bucket, flushInterval, batchSize, queueCapacity, retention, retentionCheckInterval);
    }

    public DiffStoreConfig withFlushInterval(Duration flushInterval) {
        return new DiffStoreConfig(bucket, flushInterval, batchSize, queueCapacity, retention, retentionCheckInterval);
    }
}
