package dev.strangler.cdc.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Operator writes (retry, repair) run under their own replication origin, so the opposite
 * direction does not echo them back; the syncer's origin is held by its own session.
 */
public final class AdminOrigin {

    private AdminOrigin() {
    }

    public static void setUp(Connection c, String origin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_replication_origin_create(?)"
                + " WHERE NOT EXISTS (SELECT 1 FROM pg_replication_origin WHERE roname = ?)")) {
            ps.setString(1, origin);
            ps.setString(2, origin);
            ps.execute();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_replication_origin_session_setup(?)")) {
            ps.setString(1, origin);
            ps.execute();
        }
    }

    public static void reset(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_replication_origin_session_reset()");
        }
    }
}
