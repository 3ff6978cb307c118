package dev.strangler.proxy.control;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Versioned schema of the control plane, created or upgraded by every proxy at (re)connect. Each
 * entry of {@link #MIGRATIONS} is applied once, in order, in one transaction under an advisory lock,
 * so proxies of a fleet starting together cannot race; {@code control_schema_version} records what
 * ran. A database at a newer version than this build stops the connect with a clear message.
 *
 * <p>Same pattern as the diff store's {@code DiffSchema}: the proxy must not depend on the sample
 * apps' {@code SqlMigrations}, and a few statements do not warrant a migration library.
 */
final class ControlSchema {

    static final int VERSION = 2;

    private static final long LOCK_KEY = 0x5354_5243_544c_504cL; // "STRCTLPL"

    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            // One row. Every write locks it first: writes are serialised fleet-wide (they are rare), so
            // table_version and audit_seq grow by one per change with no gaps, in commit order.
            """
            CREATE TABLE control_meta (
              id int PRIMARY KEY CHECK (id = 1),
              table_version bigint NOT NULL,
              audit_seq bigint NOT NULL)""",
            "INSERT INTO control_meta VALUES (1, 1, 0)",
            """
            CREATE TABLE control_route (
              id text PRIMARY KEY,
              weight_bps int NOT NULL CHECK (weight_bps BETWEEN 0 AND 10000),
              version bigint NOT NULL CHECK (version >= 1),
              updated_at timestamptz NOT NULL,
              updated_by text NOT NULL)""",
            """
            CREATE TABLE control_audit (
              seq bigint PRIMARY KEY,
              time timestamptz NOT NULL,
              actor text NOT NULL,
              action text NOT NULL,
              route text NOT NULL,
              before_weight int NOT NULL,
              after_weight int NOT NULL,
              reason text NOT NULL,
              details jsonb NOT NULL DEFAULT '{}')""",
            "CREATE INDEX control_audit_route_seq ON control_audit (route, seq)",
            "CREATE INDEX control_audit_time ON control_audit (time)"),
            // 2: endpoint changes made at run time (admin API), one row per changed backend; a backend
            // without a row uses its config's endpoints. Written under the control_meta lock like routes.
            List.of("""
            CREATE TABLE control_backend (
              name text PRIMARY KEY,
              endpoints jsonb NOT NULL,
              draining jsonb NOT NULL,
              version bigint NOT NULL CHECK (version >= 1),
              updated_at timestamptz NOT NULL,
              updated_by text NOT NULL)"""));

    private ControlSchema() {
    }

    /** Brings the schema to {@link #VERSION}; returns the version found before. */
    static int migrate(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            st.execute("CREATE TABLE IF NOT EXISTS control_schema_version (version int PRIMARY KEY, "
                    + "applied_at timestamptz NOT NULL DEFAULT now())");
            int current = 0;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM control_schema_version")) {
                if (rs.next()) {
                    current = rs.getInt(1);
                }
            }
            if (current > VERSION) {
                throw new SQLException("control-plane schema version " + current + " is newer than this build's "
                        + VERSION + " (expected: upgrade strangler on this proxy)", "55000");
            }
            for (int v = current; v < VERSION; v++) {
                for (String sql : MIGRATIONS.get(v)) {
                    st.execute(sql);
                }
                st.execute("INSERT INTO control_schema_version (version) VALUES (" + (v + 1) + ")");
            }
            c.commit();
            return current;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
