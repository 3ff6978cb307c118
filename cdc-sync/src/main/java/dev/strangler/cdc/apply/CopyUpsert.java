package dev.strangler.cdc.apply;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;

/**
 * Large upserts (snapshots, bursts): COPY the rows into a temporary staging table, then one
 * {@code INSERT ... SELECT ... ON CONFLICT} into the target. About twice the rate of batched
 * inserts with bind parameters, with the same replay-safe semantics.
 */
final class CopyUpsert {

    /** Below this many rows the staging round trips cost more than they save. */
    static final int MIN_ROWS = 512;

    private CopyUpsert() {
    }

    static void upsert(Connection c, String table, List<String> cols, List<String> keyCols, String versionCol,
            boolean winsTies, List<Map<String, Object>> rows) throws SQLException {
        String stage = SqlWriter.quote("strangler_stage_" + Integer.toHexString((table + cols).hashCode()));
        String colList = cols.stream().map(SqlWriter::quote).collect(Collectors.joining(", "));
        try (Statement st = c.createStatement()) {
            // Same column types as the target, no constraints; emptied at commit, reused per connection.
            st.execute("CREATE TEMP TABLE IF NOT EXISTS " + stage + " ON COMMIT DELETE ROWS AS SELECT " + colList
                    + " FROM " + SqlWriter.quoteTable(table) + " WITH NO DATA");
            st.execute("TRUNCATE " + stage);
        }
        StringBuilder csv = new StringBuilder(rows.size() * cols.size() * 12);
        for (Map<String, Object> row : rows) {
            for (int i = 0; i < cols.size(); i++) {
                if (i > 0) {
                    csv.append(',');
                }
                csv(csv, row.get(cols.get(i)));
            }
            csv.append('\n');
        }
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + stage + " (" + colList + ") FROM STDIN WITH (FORMAT csv)",
                    new StringReader(csv.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY into the staging table failed: " + e.getMessage(), "58030", e);
        }
        String insert = SqlWriter.upsertSql(table, cols, keyCols, versionCol, winsTies, 1);
        String head = insert.substring(0, insert.indexOf(" VALUES "));
        String tail = insert.substring(insert.indexOf(" ON CONFLICT "));
        try (Statement st = c.createStatement()) {
            st.executeUpdate(head + " SELECT " + colList + " FROM " + stage + tail);
        }
    }

    private static void csv(StringBuilder sb, Object v) {
        if (v == null) {
            return; // unquoted empty field = NULL in CSV format
        }
        String s;
        if (v instanceof byte[] b) {
            s = "\\x" + HexFormat.of().formatHex(b);
        } else if (v instanceof List<?> list) {
            s = list.stream().map(e -> e == null ? "NULL"
                    : "\"" + String.valueOf(e).replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                    .collect(Collectors.joining(",", "{", "}"));
        } else {
            s = v.toString();
        }
        sb.append('"').append(s.replace("\"", "\"\"")).append('"'); // quoted: "" is an empty string, not NULL
    }
}
