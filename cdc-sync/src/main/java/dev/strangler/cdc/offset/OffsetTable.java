package dev.strangler.cdc.offset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The tables a syncer keeps in its target database: the Debezium offset (written in the same
 * transaction as the rows it covers), per-slot progress, and dead letters. Creating them is
 * idempotent.
 */
public final class OffsetTable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OffsetTable() {
    }

    /** Creates the tables if missing. */
    public static void ensure(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            // Two syncers may start at once on a fresh database; the lock keeps DDL single-file.
            st.execute("SELECT pg_advisory_xact_lock(hashtext('strangler.cdc.ddl'))");
            st.execute("""
                    CREATE TABLE IF NOT EXISTS strangler_cdc_offset (
                      slot text PRIMARY KEY,
                      direction text NOT NULL,
                      source_partition text NOT NULL,
                      source_offset text NOT NULL,
                      lsn bigint,
                      source_ts timestamptz,
                      applied_at timestamptz NOT NULL,
                      lag_ms bigint,
                      rows_applied bigint NOT NULL DEFAULT 0,
                      rows_per_s double precision NOT NULL DEFAULT 0,
                      stopped_tables text)""");
            st.execute("""
                    CREATE TABLE IF NOT EXISTS strangler_cdc_dlq (
                      id bigserial PRIMARY KEY,
                      slot text NOT NULL,
                      source_table text NOT NULL,
                      op text NOT NULL,
                      source_key text NOT NULL,
                      lsn bigint,
                      tx_id bigint,
                      reason text NOT NULL,
                      created_at timestamptz NOT NULL DEFAULT now())""");
            st.execute("CREATE INDEX IF NOT EXISTS strangler_cdc_dlq_slot ON strangler_cdc_dlq (slot, id)");
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    /** The stored offset of {@code slot}: {@code [partition json, offset json]}, if any. */
    public static Optional<String[]> read(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT source_partition, source_offset FROM strangler_cdc_offset WHERE slot = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2)}) : Optional.empty();
            }
        }
    }

    /** Progress written with each applied batch, inside the batch's transaction. */
    public record Progress(Map<String, ?> partition, Map<String, ?> offset, Long lsn, Instant sourceTs,
            Instant appliedAt, Long lagMs, long rows, double rowsPerSecond, String stoppedTables) {
    }

    /** Upserts the slot's offset and progress; the caller commits. */
    public static void write(Connection c, String slot, String direction, Progress p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO strangler_cdc_offset AS o (slot, direction, source_partition, source_offset, lsn, source_ts,
                  applied_at, lag_ms, rows_applied, rows_per_s, stopped_tables)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (slot) DO UPDATE SET direction = EXCLUDED.direction,
                  source_partition = EXCLUDED.source_partition, source_offset = EXCLUDED.source_offset,
                  lsn = COALESCE(EXCLUDED.lsn, o.lsn), source_ts = COALESCE(EXCLUDED.source_ts, o.source_ts),
                  applied_at = EXCLUDED.applied_at, lag_ms = COALESCE(EXCLUDED.lag_ms, o.lag_ms),
                  rows_applied = o.rows_applied + EXCLUDED.rows_applied, rows_per_s = EXCLUDED.rows_per_s,
                  stopped_tables = EXCLUDED.stopped_tables""")) {
            ps.setString(1, slot);
            ps.setString(2, direction);
            ps.setString(3, json(p.partition()));
            ps.setString(4, json(p.offset()));
            ps.setObject(5, p.lsn());
            ps.setTimestamp(6, p.sourceTs() == null ? null : Timestamp.from(p.sourceTs()));
            ps.setTimestamp(7, Timestamp.from(p.appliedAt()));
            ps.setObject(8, p.lagMs());
            ps.setLong(9, p.rows());
            ps.setDouble(10, p.rowsPerSecond());
            ps.setString(11, p.stoppedTables());
            ps.executeUpdate();
        }
    }

    /** Forgets the slot's offset (after {@code stop --drop-slot}): the next start snapshots again. */
    public static void delete(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM strangler_cdc_offset WHERE slot = ?")) {
            ps.setString(1, slot);
            ps.executeUpdate();
        }
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("offset is not serialisable as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
