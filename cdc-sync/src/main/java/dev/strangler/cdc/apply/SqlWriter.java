package dev.strangler.cdc.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Multi-row upserts and deletes keyed by primary key: replaying them is harmless, which is what
 * makes "apply, then crash, then replay" exactly-once in effect.
 */
public final class SqlWriter {

    /** PostgreSQL takes at most 65535 bind parameters per statement; stay well below. */
    private static final int MAX_PARAMS = 30_000;
    private static final String NOT_NULL_VIOLATION = "23502";

    private SqlWriter() {
    }

    /** {@code "public"."appt"} from {@code public.appt}. */
    public static String quoteTable(String qualified) {
        int dot = qualified.indexOf('.');
        return quote(qualified.substring(0, dot)) + "." + quote(qualified.substring(dot + 1));
    }

    public static String quote(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }

    /**
     * Inserts or updates {@code rows} (all with the columns {@code cols}). With a version column,
     * an existing row is only overwritten by a newer version (or an equal one when {@code winsTies}).
     *
     * <p>One single-row statement, batched: its text never changes, so the server plan is reused
     * for small batches, and the apply connection's {@code reWriteBatchedInserts=true} turns large
     * batches (snapshots) into multi-row inserts.
     */
    public static int upsert(Connection c, String table, List<String> cols, List<String> keyCols, String versionCol,
            boolean winsTies, List<Map<String, Object>> rows) throws SQLException {
        if (rows.size() >= CopyUpsert.MIN_ROWS) {
            CopyUpsert.upsert(c, table, cols, keyCols, versionCol, winsTies, rows);
            return rows.size();
        }
        try (PreparedStatement ps = c.prepareStatement(upsertSql(table, cols, keyCols, versionCol, winsTies, 1))) {
            for (Map<String, Object> row : rows) {
                int i = 1;
                for (String col : cols) {
                    bind(ps, i++, row.get(col));
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return rows.size();
    }

    static String upsertSql(String table, List<String> cols, List<String> keyCols, String versionCol, boolean winsTies,
            int rows) {
        String colList = cols.stream().map(SqlWriter::quote).collect(Collectors.joining(", "));
        String tuple = cols.stream().map(x -> "?").collect(Collectors.joining(", ", "(", ")"));
        StringBuilder sql = new StringBuilder(64 + rows * tuple.length());
        sql.append("INSERT INTO ").append(quoteTable(table)).append(" AS t (").append(colList).append(") VALUES ");
        for (int r = 0; r < rows; r++) {
            sql.append(r == 0 ? "" : ", ").append(tuple);
        }
        sql.append(" ON CONFLICT (").append(keyCols.stream().map(SqlWriter::quote).collect(Collectors.joining(", ")))
                .append(")");
        List<String> updatable = cols.stream().filter(x -> !keyCols.contains(x)).toList();
        if (updatable.isEmpty()) {
            return sql.append(" DO NOTHING").toString();
        }
        sql.append(" DO UPDATE SET ").append(updatable.stream().map(x -> quote(x) + " = EXCLUDED." + quote(x))
                .collect(Collectors.joining(", ")));
        if (versionCol != null) {
            String v = quote(versionCol);
            sql.append(" WHERE t.").append(v).append(winsTies ? " <= " : " < ").append("EXCLUDED.").append(v)
                    .append(" OR t.").append(v).append(" IS NULL");
        }
        return sql.toString();
    }

    /**
     * One row, like {@link #upsert}, for the paths that handle rows one at a time (replaying a failed
     * batch, {@code dlq retry}, {@code verify --repair}): when the INSERT is refused for a NOT NULL
     * column the mapping does not write, the existing row is updated instead. Throws the upsert's
     * own error when no row with that key exists (a new row the target cannot take without that column).
     */
    public static void upsertRow(Connection c, String table, List<String> cols, List<String> keyCols, String versionCol,
            boolean winsTies, Map<String, Object> row) throws SQLException {
        Savepoint sp = c.getAutoCommit() ? null : c.setSavepoint();
        try {
            upsert(c, table, cols, keyCols, versionCol, winsTies, List.of(row));
            if (sp != null) {
                c.releaseSavepoint(sp);
            }
        } catch (SQLException e) {
            if (!isNotNullViolation(e)) {
                throw e;
            }
            if (sp != null) {
                c.rollback(sp);
            }
            if (!updateExisting(c, table, cols, keyCols, versionCol, winsTies, row)) {
                throw e;
            }
        }
    }

    /** SQLSTATE 23502, also when a batch wraps the server's error. */
    public static boolean isNotNullViolation(SQLException e) {
        return NOT_NULL_VIOLATION.equals(e.getSQLState())
                || (e.getNextException() != null && NOT_NULL_VIOLATION.equals(e.getNextException().getSQLState()));
    }

    /**
     * Updates the existing row with {@code row}'s key (respecting the version column like
     * {@link #upsert}), for a target whose INSERT would fail: PostgreSQL checks NOT NULL before
     * ON CONFLICT finds the existing row, so an upsert cannot change a row of a table with required
     * columns the mapping does not write. Returns whether a row with that key exists (updated, or
     * left alone because it holds a newer version); false means the row is new to the target.
     */
    public static boolean updateExisting(Connection c, String table, List<String> cols, List<String> keyCols,
            String versionCol, boolean winsTies, Map<String, Object> row) throws SQLException {
        List<String> updatable = cols.stream().filter(x -> !keyCols.contains(x)).toList();
        String where = keyCols.stream().map(k -> "t." + quote(k) + " = ?").collect(Collectors.joining(" AND "));
        if (!updatable.isEmpty()) {
            StringBuilder sql = new StringBuilder("UPDATE ").append(quoteTable(table)).append(" AS t SET ")
                    .append(updatable.stream().map(x -> quote(x) + " = ?").collect(Collectors.joining(", ")))
                    .append(" WHERE ").append(where);
            if (versionCol != null) {
                String v = quote(versionCol);
                sql.append(" AND (t.").append(v).append(winsTies ? " <= ?" : " < ?").append(" OR t.").append(v)
                        .append(" IS NULL)");
            }
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String col : updatable) {
                    bind(ps, i++, row.get(col));
                }
                for (String col : keyCols) {
                    bind(ps, i++, row.get(col));
                }
                if (versionCol != null) {
                    bind(ps, i, row.get(versionCol));
                }
                if (ps.executeUpdate() > 0) {
                    return true;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + quoteTable(table) + " AS t WHERE " + where)) {
            int i = 1;
            for (String col : keyCols) {
                bind(ps, i++, row.get(col));
            }
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Deletes rows by key; deleting a missing row is a no-op, so deletes replay harmlessly. */
    public static int delete(Connection c, String table, List<String> keyCols, List<Map<String, Object>> keys)
            throws SQLException {
        int perStatement = Math.max(1, MAX_PARAMS / keyCols.size());
        int n = 0;
        String cols = keyCols.stream().map(SqlWriter::quote).collect(Collectors.joining(", ", "(", ")"));
        String tuple = keyCols.stream().map(x -> "?").collect(Collectors.joining(", ", "(", ")"));
        for (int from = 0; from < keys.size(); from += perStatement) {
            List<Map<String, Object>> chunk = keys.subList(from, Math.min(keys.size(), from + perStatement));
            String sql = "DELETE FROM " + quoteTable(table) + " WHERE " + cols + " IN ("
                    + chunk.stream().map(k -> tuple).collect(Collectors.joining(", ")) + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (Map<String, Object> key : chunk) {
                    for (String col : keyCols) {
                        bind(ps, i++, key.get(col));
                    }
                }
                n += ps.executeUpdate();
            }
        }
        return n;
    }

    static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v instanceof byte[] b) {
            ps.setBytes(i, b);
        } else if (v instanceof List<?> list) {
            ps.setString(i, arrayLiteral(list));
        } else if (v instanceof Map<?, ?> map) {
            ps.setString(i, map.toString());
        } else {
            ps.setObject(i, v);
        }
    }

    private static String arrayLiteral(List<?> list) {
        return list.stream().map(e -> e == null ? "NULL"
                : "\"" + String.valueOf(e).replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }
}
