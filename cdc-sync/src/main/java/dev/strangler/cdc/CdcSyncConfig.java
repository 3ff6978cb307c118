package dev.strangler.cdc;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Settings of one syncer (one direction, one replication slot).
 *
 * @param sourceJdbcUrl      database whose changes are streamed ({@code jdbc:postgresql://host:port/db?user=u&password=p});
 *                           the legacy database for {@link Direction#FORWARD}
 * @param targetJdbcUrl      database the changes are applied to; also holds the offsets, dead letters and status
 * @param controlJdbcUrl     database holding data ownership and its audit log (default: the forward target)
 * @param mapping            the service mapping YAML
 * @param slotName           replication slot (also the publication prefix, origin and lock name)
 * @param direction          forward (legacy → new) or reverse (new → legacy)
 * @param maxBatchSize       most change events applied in one target transaction
 * @param pollInterval       Debezium's {@code poll.interval.ms}: the latency floor when idle
 * @param snapshotFetchSize  rows fetched per round trip during the initial snapshot
 * @param snapshot           whether to copy existing rows first ({@code false}: stream changes only)
 * @param walWarnBytes       warn when the slot retains more WAL than this
 * @param lockRetry          how often a standby retries the advisory lock
 * @param ownerRefresh       how often ownership is re-read even without a change notice (changes made
 *                           by {@code cdc owner} arrive at once by LISTEN/NOTIFY; this is the fallback)
 */
public record CdcSyncConfig(String sourceJdbcUrl, String targetJdbcUrl, String controlJdbcUrl, Path mapping,
        String slotName, Direction direction, int maxBatchSize, Duration pollInterval, int snapshotFetchSize,
        boolean snapshot, long walWarnBytes, Duration lockRetry, Duration ownerRefresh) {

    private static final Pattern SLOT = Pattern.compile("[a-z0-9_]{1,40}");

    public CdcSyncConfig {
        requireNonNull(sourceJdbcUrl, "sourceJdbcUrl");
        requireNonNull(targetJdbcUrl, "targetJdbcUrl");
        requireNonNull(mapping, "mapping");
        requireNonNull(direction, "direction");
        requireNonNull(pollInterval, "pollInterval");
        requireNonNull(lockRetry, "lockRetry");
        requireNonNull(ownerRefresh, "ownerRefresh");
        JdbcUrl.parse(sourceJdbcUrl);
        JdbcUrl.parse(targetJdbcUrl);
        if (controlJdbcUrl == null) {
            controlJdbcUrl = targetJdbcUrl;
        }
        if (slotName == null || !SLOT.matcher(slotName).matches()) {
            throw new IllegalArgumentException("slotName: '" + slotName + "' (expected: 1-40 of a-z, 0-9, _)");
        }
        if (maxBatchSize < 1 || maxBatchSize > 100_000) {
            throw new IllegalArgumentException("maxBatchSize: " + maxBatchSize + " (expected: 1..100000)");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval: " + pollInterval + " (expected: > 0)");
        }
        if (snapshotFetchSize < 1) {
            throw new IllegalArgumentException("snapshotFetchSize: " + snapshotFetchSize + " (expected: > 0)");
        }
        if (walWarnBytes < 0) {
            throw new IllegalArgumentException("walWarnBytes: " + walWarnBytes + " (expected: >= 0)");
        }
        if (ownerRefresh.toMillis() < 100) {
            throw new IllegalArgumentException("ownerRefresh: " + ownerRefresh + " (expected: >= 100 ms)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Advisory lock key shared by every instance of this slot: one active syncer per slot. */
    public String lockName() {
        return "strangler.cdc." + slotName;
    }

    /** Replication origin the apply connection runs under; the opposite direction's stream skips it. */
    public String originName() {
        return "strangler_" + slotName;
    }

    @Override
    public String toString() {
        return "CdcSyncConfig[source=" + JdbcUrl.mask(sourceJdbcUrl) + ", target=" + JdbcUrl.mask(targetJdbcUrl)
                + ", control=" + JdbcUrl.mask(controlJdbcUrl) + ", mapping=" + mapping + ", slot=" + slotName
                + ", direction=" + direction.id() + ", maxBatchSize=" + maxBatchSize + ", pollInterval=" + pollInterval
                + ", snapshotFetchSize=" + snapshotFetchSize + ", snapshot=" + snapshot + ", walWarnBytes=" + walWarnBytes + "]";
    }

    /** Builder with the defaults documented in docs/cdc.md. */
    public static final class Builder {
        private String source;
        private String target;
        private String control;
        private Path mapping;
        private String slot;
        private Direction direction = Direction.FORWARD;
        private int maxBatchSize = 4096;
        private Duration pollInterval = Duration.ofMillis(10);
        private int snapshotFetchSize = 10_000;
        private boolean snapshot = true;
        private long walWarnBytes = 1L << 30;
        private Duration lockRetry = Duration.ofMillis(500);
        private Duration ownerRefresh = Duration.ofSeconds(2);

        public Builder source(String jdbcUrl) {
            this.source = jdbcUrl;
            return this;
        }

        public Builder target(String jdbcUrl) {
            this.target = jdbcUrl;
            return this;
        }

        public Builder control(String jdbcUrl) {
            this.control = jdbcUrl;
            return this;
        }

        public Builder mapping(Path file) {
            this.mapping = file;
            return this;
        }

        public Builder slot(String name) {
            this.slot = name;
            return this;
        }

        public Builder direction(Direction d) {
            this.direction = d;
            return this;
        }

        public Builder maxBatchSize(int n) {
            this.maxBatchSize = n;
            return this;
        }

        public Builder pollInterval(Duration d) {
            this.pollInterval = d;
            return this;
        }

        public Builder snapshotFetchSize(int n) {
            this.snapshotFetchSize = n;
            return this;
        }

        public Builder snapshot(boolean on) {
            this.snapshot = on;
            return this;
        }

        public Builder walWarnBytes(long bytes) {
            this.walWarnBytes = bytes;
            return this;
        }

        public Builder ownerRefresh(Duration d) {
            this.ownerRefresh = d;
            return this;
        }

        public Builder lockRetry(Duration d) {
            this.lockRetry = d;
            return this;
        }

        public CdcSyncConfig build() {
            return new CdcSyncConfig(source, target, control, mapping, slot, direction, maxBatchSize, pollInterval,
                    snapshotFetchSize, snapshot, walWarnBytes, lockRetry, ownerRefresh);
        }
    }
}
