package dev.strangler.cdc.admin;

import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.Direction;
import dev.strangler.cdc.JdbcUrl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Data ownership per mapped table (by its new-side name): {@code legacy}, {@code new} or
 * {@code both}. The owner decides which sync directions apply the table's changes: legacy →
 * forward only, new → reverse only, both → both. A table with no recorded owner syncs both ways.
 * Changes are refused while any checked syncer's lag or dead-letter count is above its bound,
 * and every change is written to the audit log.
 */
public final class Ownership {

    /** Who writes a table. */
    public enum Owner {
        LEGACY, NEW, BOTH;

        public static Owner parse(String s) {
            try {
                return valueOf(s.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("owner: '" + s + "' (expected: legacy, new or both)", e);
            }
        }

        /** Whether changes flowing in {@code d} are applied for a table with this owner. */
        public boolean syncs(Direction d) {
            return this == BOTH || (this == LEGACY) == (d == Direction.FORWARD);
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One row of {@code strangler_cdc_audit}: an ownership change (action {@code cdc.owner}).
     *
     * @param detail the operator's reason
     */
    public record AuditRow(long id, java.time.Instant at, String actor, String action, String subject, String from,
                           String to, String detail) {
    }

    /** A syncer whose health gates an ownership change: its target database and slot. */
    public record SlotRef(String targetUrl, String slot) {
    }

    private Ownership() {
    }

    public static void ensure(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS strangler_cdc_owner (table_name text PRIMARY KEY, owner text NOT NULL"
                    + " CHECK (owner IN ('legacy', 'new', 'both')), changed_at timestamptz NOT NULL DEFAULT now(),"
                    + " changed_by text NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS strangler_cdc_audit (id bigserial PRIMARY KEY, at timestamptz NOT NULL"
                    + " DEFAULT now(), actor text NOT NULL, action text NOT NULL, subject text NOT NULL, from_value text,"
                    + " to_value text, detail text)");
            // Which ownership each active syncer applies: the time of the latest change it has read.
            st.execute("CREATE TABLE IF NOT EXISTS strangler_cdc_owner_seen (slot text PRIMARY KEY, direction text NOT NULL,"
                    + " version timestamptz NOT NULL, at timestamptz NOT NULL DEFAULT now())");
        }
    }

    /** The recorded owners and the time of the latest change ({@link Instant#EPOCH} when none was ever made). */
    public record Snapshot(Map<String, Owner> owners, Instant version) {
    }

    /** Recorded owners (tables without a row sync both ways). */
    public static Map<String, Owner> owners(String controlUrl) {
        return snapshot(controlUrl).owners();
    }

    /** Recorded owners and the version a syncer acknowledges having read ({@link #acknowledge}). */
    public static Snapshot snapshot(String controlUrl) {
        try (Connection c = JdbcUrl.connect(controlUrl)) {
            ensure(c);
            Map<String, Owner> out = new HashMap<>();
            Instant version = Instant.EPOCH;
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT table_name, owner, changed_at FROM strangler_cdc_owner")) {
                while (rs.next()) {
                    out.put(rs.getString(1), Owner.parse(rs.getString(2)));
                    Instant at = rs.getObject(3, OffsetDateTime.class).toInstant();
                    version = at.isAfter(version) ? at : version;
                }
            }
            return new Snapshot(Map.copyOf(out), version);
        } catch (SQLException e) {
            throw new CdcSyncException("cannot read data ownership (SQLSTATE " + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    /** An active syncer records that it applies the ownership as of {@code version}. */
    public static void acknowledge(String controlUrl, String slot, String direction, Instant version) {
        try (Connection c = JdbcUrl.connect(controlUrl)) {
            ensure(c);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO strangler_cdc_owner_seen (slot, direction, version)"
                    + " VALUES (?, ?, ?) ON CONFLICT (slot) DO UPDATE SET direction = EXCLUDED.direction,"
                    + " version = EXCLUDED.version, at = now()")) {
                ps.setString(1, slot);
                ps.setString(2, direction);
                ps.setObject(3, version.atOffset(ZoneOffset.UTC));
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new CdcSyncException("cannot record that slot " + slot + " applies the current ownership (SQLSTATE "
                    + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    /**
     * Waits (polling) until the active syncer of every slot in {@code slots} applies the latest
     * ownership change. Returns the slots that did not within {@code timeout}: their syncers are
     * not running, or not streaming yet (they apply the change when they start).
     */
    public static List<String> awaitApplied(String controlUrl, List<String> slots, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> pending = List.copyOf(slots);
        // One connection and one prepared statement for the whole wait: a poll is one small query.
        try (Connection c = JdbcUrl.connect(controlUrl)) {
            ensure(c);
            try (PreparedStatement ps = c.prepareStatement("SELECT slot FROM strangler_cdc_owner_seen WHERE slot = ANY (?)"
                    + " AND version >= (SELECT coalesce(max(changed_at), '-infinity') FROM strangler_cdc_owner)")) {
                while (true) {
                    ps.setArray(1, c.createArrayOf("text", pending.toArray()));
                    List<String> seen = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            seen.add(rs.getString(1));
                        }
                    }
                    pending = pending.stream().filter(x -> !seen.contains(x)).toList();
                    if (pending.isEmpty() || System.nanoTime() >= deadline) {
                        return pending;
                    }
                    Thread.sleep(100); // poll interval, bounded by the deadline
                }
            }
        } catch (SQLException e) {
            throw new CdcSyncException("cannot read which syncers apply the ownership (SQLSTATE " + e.getSQLState()
                    + "): " + e.getMessage(), e);
        }
    }

    /**
     * The audit rows with {@code at >= since} (null: all), oldest first. Read-only: a database
     * without the audit table (never used by a syncer) is an error, not an empty log.
     */
    public static List<AuditRow> audit(String controlUrl, java.time.Instant since) {
        try (Connection c = JdbcUrl.connect(controlUrl)) {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT to_regclass('strangler_cdc_audit') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new CdcSyncException("no strangler_cdc_audit table in this database: is it the CDC control"
                            + " database (the new service's database, where `strangler cdc owner` writes)?");
                }
            }
            List<AuditRow> out = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, at, actor, action, subject, from_value, to_value,"
                    + " detail FROM strangler_cdc_audit WHERE at >= ? ORDER BY at, id")) {
                ps.setObject(1, java.time.OffsetDateTime.ofInstant(since == null ? java.time.Instant.EPOCH : since,
                        java.time.ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AuditRow(rs.getLong(1), rs.getObject(2, java.time.OffsetDateTime.class).toInstant(),
                                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                                rs.getString(8)));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CdcSyncException("cannot read the CDC audit log (SQLSTATE " + e.getSQLState() + "): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Sets {@code table}'s owner. A move to {@code legacy} or {@code new} first checks every syncer
     * in {@code gates} and refuses (throws {@link CdcSyncException}) when one lags more than
     * {@code maxLagMs} or holds more than {@code maxDlq} dead letters; a move to {@code both} is
     * never refused. Returns the previous owner.
     */
    public static Owner change(String controlUrl, String table, Owner owner, String actor, String reason,
            List<SlotRef> gates, long maxLagMs, long maxDlq) {
        if (owner != Owner.BOTH) {
            // Moving to both only turns a direction on, which can lose nothing: it is never refused,
            // so a rollback can always make both sides apply first (runbooks/rollback.md).
            for (SlotRef g : gates) {
                checkGate(g, maxLagMs, maxDlq);
            }
        }
        try (Connection c = JdbcUrl.connect(controlUrl)) {
            ensure(c);
            c.setAutoCommit(false);
            Owner before = Owner.BOTH;
            try (PreparedStatement ps = c.prepareStatement("SELECT owner FROM strangler_cdc_owner WHERE table_name = ? FOR UPDATE")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        before = Owner.parse(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO strangler_cdc_owner (table_name, owner, changed_by)"
                    + " VALUES (?, ?, ?) ON CONFLICT (table_name) DO UPDATE SET owner = EXCLUDED.owner,"
                    + " changed_at = now(), changed_by = EXCLUDED.changed_by")) {
                ps.setString(1, table);
                ps.setString(2, owner.id());
                ps.setString(3, actor);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO strangler_cdc_audit (actor, action, subject,"
                    + " from_value, to_value, detail) VALUES (?, 'cdc.owner', ?, ?, ?, ?)")) {
                ps.setString(1, actor);
                ps.setString(2, table);
                ps.setString(3, before.id());
                ps.setString(4, owner.id());
                ps.setString(5, reason);
                ps.executeUpdate();
            }
            try (Statement st = c.createStatement()) {
                st.execute("NOTIFY " + OwnershipListener.CHANNEL); // delivered on commit: syncers re-read at once
            }
            c.commit();
            return before;
        } catch (SQLException e) {
            throw new CdcSyncException("cannot change the owner of " + table + " (SQLSTATE " + e.getSQLState() + "): "
                    + e.getMessage(), e);
        }
    }

    private static void checkGate(SlotRef g, long maxLagMs, long maxDlq) {
        try (Connection c = JdbcUrl.connect(g.targetUrl());
                PreparedStatement ps = c.prepareStatement("SELECT o.lag_ms, (SELECT count(*) FROM strangler_cdc_dlq d"
                        + " WHERE d.slot = o.slot) FROM strangler_cdc_offset o WHERE o.slot = ?")) {
            ps.setString(1, g.slot());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new CdcSyncException("refused: slot " + g.slot() + " has never applied anything; start it first");
                }
                long lag = rs.getLong(1);
                long dlq = rs.getLong(2);
                if (lag > maxLagMs) {
                    throw new CdcSyncException("refused: slot " + g.slot() + " lags " + lag + " ms (bound " + maxLagMs
                            + " ms); wait for it to catch up");
                }
                if (dlq > maxDlq) {
                    throw new CdcSyncException("refused: slot " + g.slot() + " has " + dlq + " dead letters (bound " + maxDlq
                            + "); retry or discard them first (`strangler cdc dlq list`)");
                }
            }
        } catch (SQLException e) {
            throw new CdcSyncException("refused: cannot read the state of slot " + g.slot() + " (SQLSTATE "
                    + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }
}
