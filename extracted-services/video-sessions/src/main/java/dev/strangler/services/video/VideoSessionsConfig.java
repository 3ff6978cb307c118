package dev.strangler.services.video;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Settings of the video-sessions service.
 *
 * @param host            address to bind (default 127.0.0.1)
 * @param port            port, 0 for any free one (ask the running app)
 * @param dataSource      its own PostgreSQL database; migrations run at start. Owned by the caller.
 * @param clock           time source (token expiry, stamps)
 * @param joinTokenTtl    lifetime of a join token
 * @param blockingThreads handler threads (size like the JDBC pool)
 * @param maxBodyBytes    largest request body, and largest signalling message
 */
public record VideoSessionsConfig(String host, int port, DataSource dataSource, Clock clock, Duration joinTokenTtl,
        int blockingThreads, int maxBodyBytes) {

    public VideoSessionsConfig {
        requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535, 0 = any free port)");
        }
        requireNonNull(dataSource, "dataSource");
        requireNonNull(clock, "clock");
        requireNonNull(joinTokenTtl, "joinTokenTtl");
        if (joinTokenTtl.isNegative() || joinTokenTtl.isZero()) {
            throw new IllegalArgumentException("joinTokenTtl: " + joinTokenTtl + " (expected: positive)");
        }
        if (blockingThreads < 1 || blockingThreads > 1024) {
            throw new IllegalArgumentException("blockingThreads: " + blockingThreads + " (expected: 1..1024)");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: at least 1024)");
        }
    }

    /** A builder with defaults; only the data source is required. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** Defaults: 127.0.0.1, port 0, UTC system clock, 5 min tokens, 16 threads, 64 KiB. */
    public static final class Builder {
        private final DataSource dataSource;
        private String host = "127.0.0.1";
        private int port;
        private Clock clock = Clock.systemUTC();
        private Duration joinTokenTtl = Duration.ofMinutes(5);
        private int blockingThreads = 16;
        private int maxBodyBytes = 64 * 1024;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        public Builder host(String v) {
            this.host = v;
            return this;
        }

        public Builder port(int v) {
            this.port = v;
            return this;
        }

        public Builder clock(Clock v) {
            this.clock = v;
            return this;
        }

        public Builder joinTokenTtl(Duration v) {
            this.joinTokenTtl = v;
            return this;
        }

        public Builder blockingThreads(int v) {
            this.blockingThreads = v;
            return this;
        }

        public Builder maxBodyBytes(int v) {
            this.maxBodyBytes = v;
            return this;
        }

        public VideoSessionsConfig build() {
            return new VideoSessionsConfig(host, port, dataSource, clock, joinTokenTtl, blockingThreads, maxBodyBytes);
        }
    }
}
