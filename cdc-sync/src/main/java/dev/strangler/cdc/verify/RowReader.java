package dev.strangler.cdc.verify;

import dev.strangler.cdc.apply.SqlWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads rows over JDBC as the same Java types the CDC decoder produces (dates as
 * {@code java.time}, numerics as text), so mappings behave identically on both paths.
 */
public final class RowReader {

    private RowReader() {
    }

    /** The row with this key, or null. */
    public static Map<String, Object> byKey(Connection c, String table, Map<String, Object> key) throws SQLException {
        String where = key.keySet().stream().map(k -> SqlWriter.quote(k) + " = ?").collect(Collectors.joining(" AND "));
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + SqlWriter.quoteTable(table) + " WHERE " + where)) {
            int i = 1;
            for (Object v : key.values()) {
                ps.setObject(i++, v);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        }
    }

    /**
     * Up to {@code limit} rows in key order with key greater than {@code after} (all rows when
     * null) and, when {@code upTo} is given, not greater than it.
     */
    public static List<Map<String, Object>> chunk(Connection c, String table, List<String> keyCols, List<Object> after,
            List<Object> upTo, int limit) throws SQLException {
        String keys = keyCols.stream().map(SqlWriter::quote).collect(Collectors.joining(", ", "(", ")"));
        String tuple = keyCols.stream().map(k -> "?").collect(Collectors.joining(", ", "(", ")"));
        List<String> conds = new ArrayList<>();
        if (after != null) {
            conds.add(keys + " > " + tuple);
        }
        if (upTo != null) {
            conds.add(keys + " <= " + tuple);
        }
        String sql = "SELECT * FROM " + SqlWriter.quoteTable(table)
                + (conds.isEmpty() ? "" : " WHERE " + String.join(" AND ", conds))
                + " ORDER BY " + keys.substring(1, keys.length() - 1) + (limit > 0 ? " LIMIT " + limit : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (List<Object> bound : new List[] {after, upTo}) {
                if (bound != null) {
                    for (Object v : bound) {
                        ps.setObject(i++, v);
                    }
                }
            }
            ps.setFetchSize(5000);
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        }
    }

    /** The current row, as the same Java types the CDC decoder produces. */
    public static Map<String, Object> row(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            row.put(md.getColumnName(i), value(rs, i, md.getColumnType(i), md.getColumnTypeName(i)));
        }
        return row;
    }

    private static Object value(ResultSet rs, int i, int type, String typeName) throws SQLException {
        if (rs.getObject(i) == null) {
            return null;
        }
        return switch (type) {
            case Types.DATE -> rs.getObject(i, LocalDate.class);
            case Types.TIME -> rs.getObject(i, LocalTime.class);
            case Types.TIMESTAMP -> "timestamptz".equals(typeName)
                    ? rs.getObject(i, OffsetDateTime.class) : rs.getObject(i, LocalDateTime.class);
            case Types.TIMESTAMP_WITH_TIMEZONE -> rs.getObject(i, OffsetDateTime.class);
            case Types.NUMERIC, Types.DECIMAL -> rs.getString(i);
            case Types.CHAR -> rs.getString(i);
            case Types.SMALLINT, Types.INTEGER -> rs.getInt(i);
            case Types.BIGINT -> rs.getLong(i);
            case Types.BINARY, Types.VARBINARY -> rs.getBytes(i);
            case Types.OTHER, Types.ARRAY, Types.STRUCT -> rs.getString(i);
            default -> rs.getObject(i);
        };
    }
}
