package dev.strangler.shadow.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

/**
 * Versioned schema of the diff store, created or upgraded at start. Each entry of
 * {@link #MIGRATIONS} is applied once, in order, under an advisory lock so two starting
 * processes cannot race.
 */
final class DiffSchema {

    static final int VERSION = 1;

    private static final long LOCK_KEY = 0x5348_4144_4f57L; // "SHADOW"

    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            """
            CREATE TABLE shadow_route_bucket (
              route text NOT NULL, bucket timestamptz NOT NULL,
              comparisons bigint NOT NULL, matches bigint NOT NULL, mismatches bigint NOT NULL,
              timeouts bigint NOT NULL, errors bigint NOT NULL, primary_pairs bigint NOT NULL,
              PRIMARY KEY (route, bucket))""",
            """
            CREATE TABLE shadow_field_bucket (
              route text NOT NULL, field text NOT NULL, bucket timestamptz NOT NULL,
              diffs bigint NOT NULL, noise_diffs bigint NOT NULL, last_kind text,
              first_seen timestamptz, last_seen timestamptz,
              PRIMARY KEY (route, field, bucket))""",
            "CREATE INDEX shadow_field_bucket_bucket ON shadow_field_bucket (bucket)",
            """
            CREATE TABLE shadow_evidence (
              id bigserial PRIMARY KEY, route text NOT NULL, created_at timestamptz NOT NULL,
              fields text[] NOT NULL, differences jsonb NOT NULL,
              method text NOT NULL, request_target text NOT NULL, request_headers jsonb NOT NULL,
              request_body text NOT NULL, request_redactions text[] NOT NULL,
              primary_status int NOT NULL, primary_headers jsonb NOT NULL, primary_body text NOT NULL,
              shadow_status int NOT NULL, shadow_headers jsonb NOT NULL, shadow_body text NOT NULL)""",
            "CREATE INDEX shadow_evidence_route_time ON shadow_evidence (route, created_at)",
            "CREATE INDEX shadow_evidence_fields ON shadow_evidence USING gin (fields)",
            """
            CREATE TABLE shadow_route_config (
              route text PRIMARY KEY, config jsonb NOT NULL, updated_at timestamptz NOT NULL)"""));

    private DiffSchema() {
    }

    /** Brings the schema to {@link #VERSION}; returns the version found before. */
    static int migrate(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                st.execute("CREATE TABLE IF NOT EXISTS shadow_schema_version (version int NOT NULL)");
                int current = 0;
                try (ResultSet rs = st.executeQuery("SELECT max(version) FROM shadow_schema_version")) {
                    if (rs.next()) {
                        current = rs.getInt(1);
                    }
                }
                if (current > VERSION) {
                    throw new DiffStoreException("diff store schema version " + current
                            + " is newer than this build's " + VERSION + " (expected: upgrade strangler)", null);
                }
                for (int v = current; v < VERSION; v++) {
                    for (String sql : MIGRATIONS.get(v)) {
                        st.execute(sql);
                    }
                    st.execute("INSERT INTO shadow_schema_version VALUES (" + (v + 1) + ")");
                }
                c.commit();
                return current;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DiffStoreException("diff store: creating schema version " + VERSION + " failed: " + e.getMessage(), e);
        }
    }
}
