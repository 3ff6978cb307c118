package dev.strangler.cdc.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A change that could not be applied, with the reason and the source position. Only the source
 * key is kept (never row values): a retry re-reads the row from the source.
 */
public record DeadLetter(Source source, String reason) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a change came from. */
    public record Source(String table, char op, Map<String, Object> key, long lsn, Long txId) {
    }

    /** Inserts dead letters in the caller's transaction. */
    public static void insert(Connection c, String slot, List<DeadLetter> letters) throws SQLException {
        if (letters.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO strangler_cdc_dlq"
                + " (slot, source_table, op, source_key, lsn, tx_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (DeadLetter d : letters) {
                ps.setString(1, slot);
                ps.setString(2, d.source().table());
                ps.setString(3, String.valueOf(d.source().op()));
                ps.setString(4, keyJson(d.source().key()));
                ps.setLong(5, d.source().lsn());
                ps.setObject(6, d.source().txId());
                ps.setString(7, d.reason());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Key values as JSON; non-JSON types (dates) as their text. */
    static String keyJson(Map<String, Object> key) {
        Map<String, Object> safe = new LinkedHashMap<>();
        key.forEach((k, v) -> safe.put(k, v == null || v instanceof Number || v instanceof Boolean ? v : String.valueOf(v)));
        try {
            return JSON.writeValueAsString(safe);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("key is not serialisable: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A reason for a failed statement that names state, table, column and constraint but no
     * values: PostgreSQL's detail lines quote row values, which may be PHI.
     */
    public static String reason(SQLException failure) {
        // Batched statements fail with a BatchUpdateException; the server's error is chained behind it.
        SQLException e = failure.getNextException() != null ? failure.getNextException() : failure;
        if (e instanceof PSQLException pe && pe.getServerErrorMessage() != null) {
            ServerErrorMessage m = pe.getServerErrorMessage();
            String msg = m.getMessage() == null ? "" : m.getMessage().replaceAll(":\\s*\".*$", "");
            StringBuilder sb = new StringBuilder("SQLSTATE ").append(m.getSQLState()).append(": ").append(msg);
            if (m.getConstraint() != null) {
                sb.append(" (constraint ").append(m.getConstraint()).append(")");
            }
            if ("23502".equals(m.getSQLState())) {
                sb.append("; the row is new to this side, whose table requires a column the mapping does not write:"
                        + " give that column a default there or map it, then `strangler cdc dlq retry`");
            }
            return sb.toString();
        }
        return "SQLSTATE " + e.getSQLState() + ": " + e.getClass().getSimpleName();
    }

    /** Connection-level failures (class 08, admin shutdown 57P) end the batch instead of dead-lettering. */
    public static boolean isConnectionFailure(SQLException e) {
        String s = e.getSQLState();
        return s == null || s.startsWith("08") || s.startsWith("57P") || s.startsWith("55");
    }
}
