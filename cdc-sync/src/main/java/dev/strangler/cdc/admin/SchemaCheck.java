package dev.strangler.cdc.admin;

import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.JdbcUrl;
import dev.strangler.legacyadapter.mapping.ColumnMapping;
import dev.strangler.legacyadapter.mapping.ServiceMapping;
import dev.strangler.legacyadapter.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code strangler cdc check}: validates a mapping against both live schemas before any row
 * moves, reporting every problem at once: missing tables and columns, incompatible types, a
 * target key without a unique index (upserts need one), source keys deletes cannot carry, and
 * NOT NULL columns that nothing fills.
 */
public final class SchemaCheck {

    /** Errors stop a sync; warnings are worth reading. */
    public record Report(List<String> errors, List<String> warnings) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private record Column(String type, boolean nullable, boolean hasDefault) {
    }

    private SchemaCheck() {
    }

    public static Report run(ServiceMapping mapping, String legacyUrl, String newUrl) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        try (Connection legacy = JdbcUrl.connect(legacyUrl); Connection fresh = JdbcUrl.connect(newUrl)) {
            for (TableMapping t : mapping.tables()) {
                String lt = ServiceMapping.qualified(t.legacyTable());
                String nt = ServiceMapping.qualified(t.newTable());
                Map<String, Column> lc = columns(legacy, lt);
                Map<String, Column> nc = columns(fresh, nt);
                if (lc.isEmpty()) {
                    errors.add("legacy table " + lt + " does not exist (mapping " + mapping.file() + ", table " + t.newTable() + ")");
                }
                if (nc.isEmpty()) {
                    errors.add("new table " + nt + " does not exist (mapping " + mapping.file() + ")");
                }
                if (lc.isEmpty() || nc.isEmpty()) {
                    continue;
                }
                checkColumns(t, lt, nt, lc, nc, errors);
                if (!uniqueOn(fresh, nt, t.newKeyColumns())) {
                    errors.add(nt + ": no primary key or unique index on exactly " + t.newKeyColumns() + " (upserts need one)");
                }
                if (!uniqueOn(legacy, lt, t.legacyKeyColumns())) {
                    warnings.add(lt + ": no unique index on " + t.legacyKeyColumns() + ": reverse sync cannot upsert into it");
                }
                if (!new HashSet<>(primaryKey(legacy, lt)).equals(new HashSet<>(t.legacyKeyColumns())) && !replicaFull(legacy, lt)) {
                    errors.add(lt + ": mapping key " + t.legacyKeyColumns() + " is not the primary key, so deletes do not carry it;"
                            + " run ALTER TABLE " + lt + " REPLICA IDENTITY FULL");
                }
                Set<String> newWritten = new HashSet<>(t.newColumns());
                nc.forEach((name, c) -> {
                    if (!c.nullable() && !c.hasDefault() && !newWritten.contains(name)) {
                        errors.add(nt + "." + name + " is NOT NULL without a default and not mapped: inserts would fail");
                    }
                });
                Set<String> legacyUsed = new HashSet<>(t.legacyColumnsRead());
                Set<String> legacyWritten = t.legacyColumnsWritten();
                lc.forEach((name, c) -> {
                    if (!legacyUsed.contains(name) && !t.dropped().contains(name)) {
                        warnings.add(lt + "." + name + " is neither mapped nor listed under drop: (new data would be ignored)");
                    }
                    // Existing rows are updated (the applier falls back to UPDATE); only rows new to the monolith fail.
                    if (!legacyWritten.contains(name) && !c.nullable() && !c.hasDefault()) {
                        warnings.add(lt + "." + name + " is NOT NULL without a default and reverse sync does not write it:"
                                + " rows created on the new side cannot be inserted there (they go to the reverse DLQ);"
                                + " changes to existing rows are applied");
                    }
                });
            }
        } catch (SQLException e) {
            throw new CdcSyncException("check: cannot read the schemas (SQLSTATE " + e.getSQLState() + "): " + e.getMessage(), e);
        }
        return new Report(List.copyOf(errors), List.copyOf(warnings));
    }

    private static void checkColumns(TableMapping t, String lt, String nt, Map<String, Column> lc, Map<String, Column> nc,
            List<String> errors) {
        List<ColumnMapping> all = new ArrayList<>(t.keys());
        all.addAll(t.columns());
        for (ColumnMapping m : all) {
            boolean present = true;
            for (String l : m.legacyColumns()) {
                if (!lc.containsKey(l)) {
                    errors.add(lt + "." + l + " does not exist (mapped to " + nt + "." + m.newColumn() + ")");
                    present = false;
                }
            }
            Column n = nc.get(m.newColumn());
            if (n == null) {
                errors.add(nt + "." + m.newColumn() + " does not exist");
                continue;
            }
            if (!present) {
                continue;
            }
            String expected = typeProblem(m, lc, n);
            if (expected != null) {
                errors.add(nt + "." + m.newColumn() + ": type mismatch: " + expected);
            }
        }
    }

    private static String typeProblem(ColumnMapping m, Map<String, Column> lc, Column n) {
        if (m instanceof ColumnMapping.Rename r) {
            String l = lc.get(r.legacyColumn()).type();
            return compatible(kind(l), kind(n.type())) ? null : l + " → " + n.type();
        }
        if (m instanceof ColumnMapping.Codes) {
            return Set.of("text", "bool").contains(kind(n.type())) ? null
                    : "codes need a text, enum or boolean column, not " + n.type();
        }
        if (m instanceof ColumnMapping.DateTimeInZone d) {
            String date = lc.get(d.dateColumn()).type();
            String time = lc.get(d.timeColumn()).type();
            return kind(date).equals("date") && kind(time).equals("time") && kind(n.type()).equals("timestamptz") ? null
                    : "date + time → timestamptz expected, found " + date + " + " + time + " → " + n.type();
        }
        if (m instanceof ColumnMapping.TimestampInZone z) {
            String l = lc.get(z.legacyColumn()).type();
            return kind(l).equals("timestamp") && kind(n.type()).equals("timestamptz") ? null
                    : "timestamp → timestamptz expected, found " + l + " → " + n.type();
        }
        return null; // constants and custom transforms: the transform owns its types
    }

    private static String kind(String type) {
        if (type.matches("smallint|integer|bigint|numeric|real|double precision")) {
            return "number";
        }
        if (type.matches("text|character varying|character|USER-DEFINED|citext")) {
            return "text";
        }
        if (type.equals("timestamp with time zone")) {
            return "timestamptz";
        }
        if (type.startsWith("timestamp")) {
            return "timestamp";
        }
        if (type.startsWith("time")) {
            return "time";
        }
        if (type.equals("boolean")) {
            return "bool";
        }
        return type;
    }

    private static boolean compatible(String a, String b) {
        return a.equals(b);
    }

    private static Map<String, Column> columns(Connection c, String table) throws SQLException {
        String[] st = table.split("\\.", 2);
        Map<String, Column> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type, is_nullable = 'YES',"
                + " column_default IS NOT NULL OR is_identity = 'YES' FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, st[0]);
            ps.setString(2, st[1]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Column(rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)));
                }
            }
        }
        return out;
    }

    private static boolean uniqueOn(Connection c, String table, List<String> cols) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_index i"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                + " WHERE i.indrelid = ?::regclass AND i.indisunique AND i.indpred IS NULL GROUP BY i.indexrelid")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                Set<String> want = new HashSet<>(cols);
                while (rs.next()) {
                    if (new HashSet<>(List.of((String[]) rs.getArray(1).getArray())).equals(want)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static List<String> primaryKey(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                + " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = ?::regclass AND i.indisprimary")) {
            ps.setString(1, table);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    private static boolean replicaFull(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT relreplident = 'f' FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
