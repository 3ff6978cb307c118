package dev.strangler.sample.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned plain-SQL migrations for the sample apps' PostgreSQL schemas: files
 * {@code V<n>__<description>.sql} listed, one per line and in order, in
 * {@code <dir>/migrations.index} on the classpath. Applied ones are recorded in
 * {@code schema_version} with a SHA-256 checksum; an applied file that changed afterwards stops
 * the start. Concurrent starters serialise on a PostgreSQL advisory lock.
 *
 * <p>Why not Flyway: three small schemas need exactly this (ordered files, a version table,
 * checksums, a lock), and it keeps the samples free of another dependency tree.
 */
public final class SqlMigrations {

    private static final Logger log = LoggerFactory.getLogger(SqlMigrations.class);
    private static final Pattern FILE = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");
    private static final long LOCK_KEY = 0x5354_5241_4e47_4c45L; // "STRANGLE": one key for every sample schema

    /** One migration file. */
    public record Migration(int version, String description, String sql, String checksum) {
    }

    private final String dir;
    private final List<Migration> migrations;

    private SqlMigrations(String dir, List<Migration> migrations) {
        this.dir = dir;
        this.migrations = List.copyOf(migrations);
    }

    /** Loads the migrations listed in {@code dir/migrations.index} from {@code loader}. */
    public static SqlMigrations fromClasspath(ClassLoader loader, String dir) {
        String index = read(loader, dir + "/migrations.index");
        List<Migration> out = new ArrayList<>();
        for (String line : index.split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            Matcher m = FILE.matcher(name);
            if (!m.matches()) {
                throw new IllegalStateException(dir + "/migrations.index: '" + name
                        + "' (expected: V<number>__<description>.sql)");
            }
            int version = Integer.parseInt(m.group(1));
            if (version != out.size() + 1) {
                throw new IllegalStateException(dir + "/migrations.index: " + name + " has version " + version
                        + " (expected: " + (out.size() + 1) + ", versions count up from 1 without gaps)");
            }
            String sql = read(loader, dir + "/" + name);
            out.add(new Migration(version, m.group(2).replace('_', ' '), sql, sha256(sql)));
        }
        return new SqlMigrations(dir, out);
    }

    /** The migrations in order. */
    public List<Migration> migrations() {
        return migrations;
    }

    /** Applies the pending migrations, each in its own transaction; returns how many ran. */
    public int migrate(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
            }
            try {
                return applyPending(c);
            } finally {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(dir + ": migration failed: " + e.getMessage(), e);
        }
    }

    private int applyPending(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version int PRIMARY KEY, "
                    + "description text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
        }
        Map<Integer, String> applied = new LinkedHashMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version, checksum FROM schema_version ORDER BY version")) {
            while (rs.next()) {
                applied.put(rs.getInt(1), rs.getString(2));
            }
        }
        int ran = 0;
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            for (Migration m : migrations) {
                String checksum = applied.get(m.version());
                if (checksum != null) {
                    if (!checksum.equals(m.checksum())) {
                        throw new IllegalStateException(dir + ": V" + m.version() + " (" + m.description()
                                + ") changed after it was applied (checksum " + m.checksum() + ", recorded "
                                + checksum + "); add a new migration instead of editing an applied one");
                    }
                    continue;
                }
                apply(c, m);
                ran++;
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
        if (ran > 0) {
            log.info("{}: applied {} migration(s), schema now at V{}", dir, ran, migrations.size());
        }
        return ran;
    }

    private void apply(Connection c, Migration m) throws SQLException {
        try (Statement st = c.createStatement();
                PreparedStatement record = c.prepareStatement(
                        "INSERT INTO schema_version (version, description, checksum) VALUES (?, ?, ?)")) {
            st.execute(m.sql()); // PgJDBC runs every statement of the file, dollar quotes included
            record.setInt(1, m.version());
            record.setString(2, m.description());
            record.setString(3, m.checksum());
            record.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw new SQLException("V" + m.version() + " (" + m.description() + "): " + e.getMessage(),
                    e.getSQLState(), e);
        }
    }

    private static String read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + resource + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("classpath resource " + resource + " could not be read", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
