package dev.strangler.proxy.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.proxy.admin.AuditEntry;
import dev.strangler.proxy.admin.AuditQuery;
import dev.strangler.proxy.admin.EndpointChange;
import dev.strangler.proxy.admin.EndpointOverrideJson;
import dev.strangler.proxy.admin.RouteChange;
import dev.strangler.proxy.admin.RouteStore;
import dev.strangler.proxy.admin.VersionConflict;
import dev.strangler.proxy.admin.WeightOverlay;
import dev.strangler.proxy.backend.EndpointOverride;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's SQL: read the route state, commit a change with its audit entries, register
 * routes the database does not know yet, read the audit log. Every write locks the single
 * {@code control_meta} row first, so writes are serialised fleet-wide, nothing can deadlock, and the
 * table version and audit sequence grow by exactly one per change in commit order. A commit ends
 * with {@code pg_notify}, delivered to every listening proxy when (and only if) it commits.
 */
final class ControlRepository {

    /** The LISTEN/NOTIFY channel; the payload is the new table version, or {@link #BACKENDS_CHANGED}. */
    static final String CHANNEL = "strangler_control";
    /** Notification payload of an endpoint change: every proxy re-reads {@code control_backend}. */
    static final String BACKENDS_CHANGED = "backends";

    private static final Logger LOG = LoggerFactory.getLogger(ControlRepository.class);

    private final List<Route> configured;
    private final ObjectMapper json;

    /** @param configured this proxy's YAML routes: definitions and match order of every table built */
    ControlRepository(List<Route> configured, ObjectMapper json) {
        this.configured = List.copyOf(configured);
        this.json = json;
    }

    /** The committed state: table version, and weight and version per route id. */
    record State(long tableVersion, Map<String, Integer> weights, Map<String, Long> versions) {
    }

    /** One consistent read (a single statement sees one snapshot). */
    State read(Connection c) throws SQLException {
        Map<String, Integer> weights = new LinkedHashMap<>();
        Map<String, Long> versions = new LinkedHashMap<>();
        long tableVersion = 0;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT m.table_version, r.id, r.weight_bps, r.version"
                        + " FROM control_meta m LEFT JOIN control_route r ON true WHERE m.id = 1")) {
            while (rs.next()) {
                tableVersion = rs.getLong(1);
                String id = rs.getString(2);
                if (id != null) {
                    weights.put(id, rs.getInt(3));
                    versions.put(id, rs.getLong(4));
                }
            }
        }
        return new State(tableVersion, weights, versions);
    }

    /** The table this proxy serves for {@code s}: its YAML routes with the committed weights. */
    RouteTable table(State s) {
        return WeightOverlay.table(configured, s.tableVersion(), s.weights(), s.versions(), "the control plane");
    }

    /**
     * Inserts the YAML routes the database does not know yet, with their YAML weight at version 1
     * (first proxy to start with a route decides its initial weight). Bumps the table version and
     * notifies when it inserted any, so proxies that serve the route converge on the same weight.
     *
     * @return how many routes were registered
     */
    int register(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            lockMeta(c);
            int inserted = 0;
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO control_route (id, weight_bps, version,"
                    + " updated_at, updated_by) VALUES (?, ?, 1, now(), 'config') ON CONFLICT (id) DO NOTHING")) {
                for (Route r : configured) {
                    ins.setString(1, r.id());
                    ins.setInt(2, r.weightBps());
                    if (ins.executeUpdate() == 1) {
                        inserted++;
                        LOG.info("route {}: registered in the control plane with its config weight {} bps", r.id(),
                                r.weightBps());
                    }
                }
            }
            if (inserted > 0) {
                long v = bumpMeta(c, 0)[0];
                notify(c, v);
            }
            c.commit();
            return inserted;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * Commits {@code change} in one transaction: optimistic version check, new weights, route
     * versions + 1, table version + 1, one audit row per route, notification.
     *
     * @param current the table this proxy serves (weights of routes the database lacks come from it)
     * @throws VersionConflict when an expected version does not match; nothing is written
     */
    RouteStore.Commit commit(Connection c, RouteTable current, RouteChange change) throws SQLException {
        c.setAutoCommit(false);
        try {
            lockMeta(c);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO control_route (id, weight_bps, version,"
                    + " updated_at, updated_by) VALUES (?, ?, 1, now(), 'config') ON CONFLICT (id) DO NOTHING")) {
                for (String id : change.weights().keySet()) {
                    ins.setString(1, id);
                    ins.setInt(2, current.route(id).orElseThrow().weightBps());
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            State before = read(c);
            for (Map.Entry<String, Long> e : change.expectedVersions().entrySet()) {
                long committed = before.versions().get(e.getKey());
                if (committed != e.getValue()) {
                    c.rollback();
                    throw new VersionConflict(e.getKey(), e.getValue(), table(before));
                }
            }
            List<AuditEntry> entries = new ArrayList<>();
            Timestamp at = Timestamp.from(change.time());
            try (PreparedStatement up = c.prepareStatement("UPDATE control_route SET weight_bps = ?,"
                    + " version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?")) {
                for (Map.Entry<String, Integer> e : change.weights().entrySet()) {
                    up.setInt(1, e.getValue());
                    up.setTimestamp(2, at);
                    up.setString(3, change.actor());
                    up.setString(4, e.getKey());
                    up.addBatch();
                    entries.add(change.entry(e.getKey(), before.weights().get(e.getKey())));
                }
                up.executeBatch();
            }
            long[] meta = bumpMeta(c, entries.size());
            entries = insertAudit(c, meta[1] - entries.size() + 1, entries);
            notify(c, meta[0]);
            State after = read(c);
            c.commit();
            return new RouteStore.Commit(table(after), entries);
        } catch (SQLException | RuntimeException e) {
            safeRollback(c);
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Every backend's committed endpoint change, by name (backends without a row use their config). */
    Map<String, EndpointOverride> readBackends(Connection c) throws SQLException {
        Map<String, EndpointOverride> out = new LinkedHashMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT name, endpoints::text, draining::text, version FROM control_backend"
                        + " ORDER BY name")) {
            while (rs.next()) {
                out.put(rs.getString(1), backend(rs));
            }
        }
        return out;
    }

    private EndpointOverride backend(ResultSet rs) throws SQLException {
        String name = rs.getString(1);
        try {
            ObjectNode n = json.createObjectNode();
            n.set("endpoints", json.readTree(rs.getString(2)));
            n.set("draining", json.readTree(rs.getString(3)));
            n.put("version", rs.getLong(4));
            return EndpointOverrideJson.fromJson(n, "control_backend row '" + name + "'");
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new SQLException("control_backend row '" + name + "' is damaged (" + e.getMessage()
                    + "); fix it or delete the row to go back to the config's endpoints", "22P02", e);
        }
    }

    /**
     * Commits an endpoint change in one transaction: the change is applied to the committed row
     * (or {@code current} when the backend has none yet), then upsert, audit entry, notification.
     * A change that does not fit (stale version, unknown endpoint) throws and writes nothing.
     */
    RouteStore.EndpointCommit commitEndpoints(Connection c, EndpointOverride current, EndpointChange change)
            throws SQLException {
        c.setAutoCommit(false);
        try {
            lockMeta(c);
            EndpointOverride before = current;
            try (PreparedStatement ps = c.prepareStatement("SELECT name, endpoints::text, draining::text, version"
                    + " FROM control_backend WHERE name = ?")) {
                ps.setString(1, change.backend());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        before = backend(rs);
                    }
                }
            }
            EndpointOverride after = change.applyTo(before);
            ObjectNode row = EndpointOverrideJson.toJson(json, after);
            try (PreparedStatement up = c.prepareStatement("INSERT INTO control_backend (name, endpoints, draining,"
                    + " version, updated_at, updated_by) VALUES (?, ?::jsonb, ?::jsonb, ?, ?, ?) ON CONFLICT (name)"
                    + " DO UPDATE SET endpoints = EXCLUDED.endpoints, draining = EXCLUDED.draining,"
                    + " version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by")) {
                up.setString(1, change.backend());
                up.setString(2, row.get("endpoints").toString());
                up.setString(3, row.get("draining").toString());
                up.setLong(4, after.version());
                up.setTimestamp(5, Timestamp.from(change.time()));
                up.setString(6, change.actor());
                up.executeUpdate();
            }
            long seq;
            try (PreparedStatement ps = c.prepareStatement("UPDATE control_meta SET audit_seq = audit_seq + 1"
                    + " WHERE id = 1 RETURNING audit_seq"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
            }
            AuditEntry entry = insertAudit(c, seq, List.of(change.entry(before, after, json))).get(0);
            notify(c, BACKENDS_CHANGED);
            c.commit();
            return new RouteStore.EndpointCommit(after, entry);
        } catch (SQLException | RuntimeException e) {
            safeRollback(c);
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * Appends an entry that changes no weight (a tool's {@code ramp-step}, …): next seq, same
     * serialisation as route changes. No notification: proxies read the audit log on demand.
     */
    AuditEntry append(Connection c, AuditEntry e) throws SQLException {
        c.setAutoCommit(false);
        try {
            lockMeta(c);
            long seq;
            try (PreparedStatement ps = c.prepareStatement("UPDATE control_meta SET audit_seq = audit_seq + 1"
                    + " WHERE id = 1 RETURNING audit_seq"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
            }
            AuditEntry appended = insertAudit(c, seq, List.of(e)).get(0);
            c.commit();
            return appended;
        } catch (SQLException | RuntimeException ex) {
            safeRollback(c);
            throw ex;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** The newest {@code q.limit()} entries matching {@code q}, oldest first. */
    List<AuditEntry> query(Connection c, AuditQuery q) throws SQLException {
        ArrayDeque<AuditEntry> out = new ArrayDeque<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, time, actor, action, route, before_weight,"
                + " after_weight, reason, details::text FROM control_audit"
                + " WHERE seq > ? AND seq < ? AND (?::text IS NULL OR route = ?) AND (?::timestamptz IS NULL OR time >= ?)"
                + " ORDER BY seq DESC LIMIT ?")) {
            ps.setLong(1, q.afterSeq());
            ps.setLong(2, q.beforeSeq() == 0 ? Long.MAX_VALUE : q.beforeSeq());
            ps.setString(3, q.route());
            ps.setString(4, q.route());
            Timestamp since = q.since() == null ? null : Timestamp.from(q.since());
            ps.setTimestamp(5, since);
            ps.setTimestamp(6, since);
            ps.setInt(7, q.limit());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.addFirst(new AuditEntry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getString(8),
                            details(rs.getString(9))));
                }
            }
        }
        return List.copyOf(out);
    }

    private ObjectNode details(String text) throws SQLException {
        try {
            return json.readTree(text) instanceof ObjectNode o ? o : null;
        } catch (JsonProcessingException e) {
            throw new SQLException("control_audit.details is not a JSON object: " + e.getOriginalMessage(), "22P02", e);
        }
    }

    private static void lockMeta(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT 1 FROM control_meta WHERE id = 1 FOR UPDATE")) {
            if (!rs.next()) {
                throw new SQLException("control_meta has no row (the control-plane schema is damaged;"
                        + " restore it or drop the control_* tables to recreate them)", "55000");
            }
        }
    }

    /** table_version + 1, audit_seq + n; returns both new values. */
    private static long[] bumpMeta(Connection c, int auditEntries) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE control_meta SET table_version = table_version + 1,"
                + " audit_seq = audit_seq + ? WHERE id = 1 RETURNING table_version, audit_seq")) {
            ps.setInt(1, auditEntries);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    /** Inserts {@code entries} at {@code firstSeq}, {@code firstSeq + 1}, …; returns them with their seq. */
    private List<AuditEntry> insertAudit(Connection c, long firstSeq, List<AuditEntry> entries) throws SQLException {
        List<AuditEntry> out = new ArrayList<>(entries.size());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO control_audit (seq, time, actor, action, route,"
                + " before_weight, after_weight, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
            long seq = firstSeq;
            for (AuditEntry e : entries) {
                out.add(e.withSeq(seq));
                ps.setLong(1, seq++);
                ps.setTimestamp(2, Timestamp.from(e.time()));
                ps.setString(3, e.actor());
                ps.setString(4, e.action());
                ps.setString(5, e.route());
                ps.setInt(6, e.beforeWeight());
                ps.setInt(7, e.afterWeight());
                ps.setString(8, e.reason());
                ps.setString(9, e.details().toString());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return out;
    }

    private static void notify(Connection c, long tableVersion) throws SQLException {
        notify(c, Long.toString(tableVersion));
    }

    private static void notify(Connection c, String payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, CHANNEL);
            ps.setString(2, payload);
            ps.execute();
        }
    }

    private static void safeRollback(Connection c) {
        try {
            if (!c.isClosed() && !c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException e) {
            // The connection is broken (that is usually why we are here); the server aborts the
            // transaction when the session ends, so there is nothing left to undo.
            LOG.debug("rollback on a broken control-plane connection: {}", e.toString());
        }
    }
}
