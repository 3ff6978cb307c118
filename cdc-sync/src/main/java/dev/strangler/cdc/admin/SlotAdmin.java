package dev.strangler.cdc.admin;

import dev.strangler.cdc.CdcStatus;
import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.Direction;
import dev.strangler.cdc.JdbcUrl;
import dev.strangler.cdc.Lsns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Slot-level operations for the CLI, from the databases alone (the syncer may run elsewhere):
 * {@code cdc status} and {@code cdc stop --drop-slot}.
 */
public final class SlotAdmin {

    private final String sourceUrl;
    private final String targetUrl;
    private final String slot;
    private final Direction direction;

    public SlotAdmin(String sourceUrl, String targetUrl, String slot, Direction direction) {
        this.sourceUrl = sourceUrl;
        this.targetUrl = targetUrl;
        this.slot = slot;
        this.direction = direction;
    }

    /** Status from the target's progress row and the source's slot. Role is ACTIVE when the slot is streaming. */
    public CdcStatus status() {
        String role = "STOPPED";
        long retained = -1;
        try (Connection src = JdbcUrl.connect(sourceUrl);
                PreparedStatement ps = src.prepareStatement("SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)"
                        + " FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    role = "NO_SLOT";
                } else {
                    role = rs.getBoolean(1) ? "ACTIVE" : "STOPPED";
                    retained = rs.getLong(2);
                }
            }
        } catch (SQLException e) {
            throw new CdcSyncException("status: source database unreachable (SQLSTATE " + e.getSQLState() + "): "
                    + e.getMessage(), e);
        }
        try (Connection dst = JdbcUrl.connect(targetUrl);
                PreparedStatement ps = dst.prepareStatement("SELECT o.lsn, o.lag_ms, o.rows_per_s, o.stopped_tables,"
                        + " (SELECT count(*) FROM strangler_cdc_dlq d WHERE d.slot = o.slot)"
                        + " FROM strangler_cdc_offset o WHERE o.slot = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new CdcStatus(slot, direction, role, null, -1, 0, 0, retained, Map.of(), null);
                }
                long lsn = rs.getLong(1);
                String stopped = rs.getString(4);
                return new CdcStatus(slot, direction, role, rs.wasNull() && lsn == 0 ? null : Lsns.format(lsn),
                        rs.getObject(2) == null ? -1 : rs.getLong(2), rs.getDouble(3), rs.getLong(5), retained,
                        stopped == null ? Map.of() : Map.of("tables", stopped), null);
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return new CdcStatus(slot, direction, role, null, -1, 0, 0, retained, Map.of(), "never started against this target");
            }
            throw new CdcSyncException("status: target database unreachable (SQLSTATE " + e.getSQLState() + "): "
                    + e.getMessage(), e);
        }
    }

    /** The slot turns inactive shortly after its walsender exits; wait up to 5 s. */
    private void awaitInactive(Connection src) throws SQLException {
        try (PreparedStatement ps = src.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            for (int i = 0; i < 50; i++) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        return;
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
        }
        throw new CdcSyncException("slot " + slot + " still active 5 s after its stream was terminated; try again");
    }

    /**
     * Drops the replication slot, its publication and the stored offset, so the source keeps no
     * WAL for it; the next start snapshots again. Refuses while a syncer streams from the slot
     * unless {@code force} (which terminates that stream first).
     */
    public void dropSlot(boolean force) {
        try (Connection src = JdbcUrl.connect(sourceUrl)) {
            Integer pid = null;
            try (PreparedStatement ps = src.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        pid = (Integer) rs.getObject(1);
                    }
                }
            }
            if (pid != null && !force) {
                throw new CdcSyncException("slot " + slot + " is in use by a running syncer (backend " + pid
                        + "); stop it first, or add --force to cut it off");
            }
            if (pid != null) {
                try (PreparedStatement ps = src.prepareStatement("SELECT pg_terminate_backend(?, 5000)")) {
                    ps.setInt(1, pid);
                    ps.execute();
                }
                awaitInactive(src);
            }
            try (PreparedStatement ps = src.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                    + " FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
                ps.setString(1, slot);
                ps.execute();
            }
            try (Statement st = src.createStatement()) {
                st.execute("DROP PUBLICATION IF EXISTS " + slot + "_pub"); // slot names are [a-z0-9_]
            }
        } catch (SQLException e) {
            throw new CdcSyncException("cannot drop slot " + slot + " (SQLSTATE " + e.getSQLState() + "): " + e.getMessage(), e);
        }
        try (Connection dst = JdbcUrl.connect(targetUrl)) {
            dev.strangler.cdc.offset.OffsetTable.ensure(dst);
            dev.strangler.cdc.offset.OffsetTable.delete(dst, slot);
        } catch (SQLException e) {
            throw new CdcSyncException("slot " + slot + " dropped, but its stored offset could not be removed (SQLSTATE "
                    + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }
}
