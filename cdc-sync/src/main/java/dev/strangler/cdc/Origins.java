package dev.strangler.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Replication origins: every transaction on an apply connection is tagged with the syncer's
 * origin, and every slot streams with {@code origin=none}, so the opposite direction never sees
 * (and never echoes) applied changes.
 */
final class Origins {

    private Origins() {
    }

    static void setUp(Connection c, String origin) throws SQLException {
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

    /** Must run before a connection is reused for ordinary writes, or those would never replicate. */
    static void reset(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_replication_origin_session_reset()");
        }
    }
}
