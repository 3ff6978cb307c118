package dev.strangler.cdc.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.Direction;
import dev.strangler.cdc.JdbcUrl;
import dev.strangler.cdc.apply.DeadLetter;
import dev.strangler.cdc.apply.Route;
import dev.strangler.cdc.apply.SqlWriter;
import dev.strangler.cdc.verify.RowReader;
import dev.strangler.legacyadapter.mapping.MappingFailure;
import dev.strangler.legacyadapter.mapping.ServiceMapping;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code strangler cdc dlq list|retry|discard}: the dead-letter table of one slot. A retry
 * re-reads the row from the source by key and applies its current state through the mapping
 * (or deletes it when it is gone), so it never re-applies a stale image.
 */
public final class DeadLetterAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One dead letter as listed (key values are ids, never row contents). */
    public record Entry(long id, String sourceTable, String op, String key, String lsn, String reason, Instant createdAt) {
    }

    /** Outcome of a retry. */
    public record RetryResult(int applied, int stillFailing) {
    }

    private final String sourceUrl;
    private final String targetUrl;
    private final ServiceMapping mapping;
    private final Direction direction;
    private final String slot;

    public DeadLetterAdmin(String sourceUrl, String targetUrl, ServiceMapping mapping, Direction direction, String slot) {
        this.sourceUrl = sourceUrl;
        this.targetUrl = targetUrl;
        this.mapping = mapping;
        this.direction = direction;
        this.slot = slot;
    }

    public List<Entry> list() {
        try (Connection c = JdbcUrl.connect(targetUrl);
                PreparedStatement ps = c.prepareStatement("SELECT id, source_table, op, source_key, lsn, reason, created_at"
                        + " FROM strangler_cdc_dlq WHERE slot = ? ORDER BY id")) {
            ps.setString(1, slot);
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            dev.strangler.cdc.Lsns.format(rs.getLong(5)), rs.getString(6), rs.getTimestamp(7).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("list dead letters", e);
        }
    }

    /** Retries one entry ({@code id}) or all ({@code null}); entries that fail again stay, with the new reason. */
    public RetryResult retry(Long id) {
        List<Entry> entries = list().stream().filter(e -> id == null || e.id() == id).toList();
        if (id != null && entries.isEmpty()) {
            throw new CdcSyncException("dead letter " + id + " of slot " + slot + " does not exist (see `strangler cdc dlq list`)");
        }
        int applied = 0;
        int failing = 0;
        try (Connection src = JdbcUrl.connect(sourceUrl); Connection dst = JdbcUrl.connectForApply(targetUrl)) {
            AdminOrigin.setUp(dst, "strangler_" + slot + "_admin");
            try {
                dst.setAutoCommit(false);
                for (Entry e : entries) {
                    Optional<String> reason = retryOne(src, dst, e);
                    if (reason.isEmpty()) {
                        delete(dst, e.id());
                        applied++;
                    } else {
                        dst.rollback();
                        updateReason(dst, e.id(), reason.get());
                        failing++;
                    }
                    dst.commit();
                }
            } finally {
                dst.setAutoCommit(true);
                AdminOrigin.reset(dst);
            }
        } catch (SQLException e) {
            throw failure("retry dead letters", e);
        }
        return new RetryResult(applied, failing);
    }

    private Optional<String> retryOne(Connection src, Connection dst, Entry e) throws SQLException {
        Route route = Route.of(mapping, direction).stream().filter(r -> r.sourceTable().equals(e.sourceTable()))
                .findFirst().orElse(null);
        if (route == null) {
            return Optional.of("source table " + e.sourceTable() + " is not in mapping " + mapping.file());
        }
        Map<String, Object> key;
        try {
            key = JSON.readValue(e.key(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException ex) {
            return Optional.of("stored key is not JSON: " + ex.getMessage());
        }
        try (Statement sp = dst.createStatement()) {
            sp.execute("SAVEPOINT retry");
            try {
                Map<String, Object> row = RowReader.byKey(src, route.sourceTable(), key);
                if (row == null || !route.accepts(row)) {
                    SqlWriter.delete(dst, route.targetTable(), route.targetKeyColumns(), List.of(route.targetKey(key)));
                } else {
                    Map<String, Object> t = route.toTarget(row);
                    SqlWriter.upsertRow(dst, route.targetTable(), List.copyOf(t.keySet()), route.targetKeyColumns(),
                            route.targetVersionColumn(), route.winsTies(), t);
                }
                return Optional.empty();
            } catch (MappingFailure ex) {
                sp.execute("ROLLBACK TO SAVEPOINT retry");
                return Optional.of("mapping: " + ex.getMessage());
            } catch (SQLException ex) {
                sp.execute("ROLLBACK TO SAVEPOINT retry");
                return Optional.of(DeadLetter.reason(ex) + " (on retry)");
            }
        }
    }

    /** Discards one entry ({@code id}) or all ({@code null}); returns how many. */
    public int discard(Long id) {
        try (Connection c = JdbcUrl.connect(targetUrl);
                PreparedStatement ps = c.prepareStatement("DELETE FROM strangler_cdc_dlq WHERE slot = ?"
                        + (id == null ? "" : " AND id = ?"))) {
            ps.setString(1, slot);
            if (id != null) {
                ps.setLong(2, id);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("discard dead letters", e);
        }
    }

    private static void delete(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM strangler_cdc_dlq WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private static void updateReason(Connection c, long id, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE strangler_cdc_dlq SET reason = ? WHERE id = ?")) {
            ps.setString(1, reason);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    private CdcSyncException failure(String what, SQLException e) {
        return new CdcSyncException("slot " + slot + ": cannot " + what + " (SQLSTATE " + e.getSQLState() + "): "
                + e.getMessage(), e);
    }
}
