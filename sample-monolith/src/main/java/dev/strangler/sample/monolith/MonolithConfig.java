package dev.strangler.sample.monolith;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import javax.sql.DataSource;

/**
 * Settings of the monolith.
 *
 * @param host            address to bind (default 127.0.0.1)
 * @param port            port, 0 for any free one (ask the running app)
 * @param dataSource      its PostgreSQL database; migrations run at start. Owned by the caller.
 * @param clock           time source for "now" (booking in the past, token expiry, stamps)
 * @param zone            the clinic's zone: appointment dates and times are local to it
 * @param sessionTtl      lifetime of a login session
 * @param joinTokenTtl    lifetime of a video join token (short: it only has to reach the WebSocket)
 * @param blockingThreads handler threads (size like the JDBC pool)
 * @param maxBodyBytes    largest request body accepted
 */
public record MonolithConfig(String host, int port, DataSource dataSource, Clock clock, ZoneId zone,
        Duration sessionTtl, Duration joinTokenTtl, int blockingThreads, int maxBodyBytes) {

    public MonolithConfig {
        requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535, 0 = any free port)");
        }
        requireNonNull(dataSource, "dataSource");
        requireNonNull(clock, "clock");
        requireNonNull(zone, "zone");
        positive("sessionTtl", sessionTtl);
        positive("joinTokenTtl", joinTokenTtl);
        if (blockingThreads < 1 || blockingThreads > 1024) {
            throw new IllegalArgumentException("blockingThreads: " + blockingThreads + " (expected: 1..1024)");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: at least 1024)");
        }
    }

    private static void positive(String name, Duration d) {
        requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: positive)");
        }
    }

    /** A builder with defaults; only the data source is required. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** Defaults: 127.0.0.1, port 0, UTC system clock, America/New_York, 30 min sessions, 5 min tokens, 16 threads, 64 KiB. */
    public static final class Builder {
        private final DataSource dataSource;
        private String host = "127.0.0.1";
        private int port;
        private Clock clock = Clock.systemUTC();
        private ZoneId zone = ZoneId.of("America/New_York");
        private Duration sessionTtl = Duration.ofMinutes(30);
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

        public Builder zone(ZoneId v) {
            this.zone = v;
            return this;
        }

        public Builder sessionTtl(Duration v) {
            this.sessionTtl = v;
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

        public MonolithConfig build() {
            return new MonolithConfig(host, port, dataSource, clock, zone, sessionTtl, joinTokenTtl,
                    blockingThreads, maxBodyBytes);
        }
    }
}
