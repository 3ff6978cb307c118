package dev.strangler.cdc.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
