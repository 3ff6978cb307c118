package dev.strangler.cdc.apply;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns Debezium's Kafka Connect records into plain rows ({@code column -> Java value}) that the
 * mappings and JDBC understand: dates as {@link LocalDate}, timestamps as {@link LocalDateTime} or
 * {@link OffsetDateTime}, decimals as text (Debezium runs with {@code decimal.handling.mode=string}).
 */
final class RecordDecoder {

    /** Debezium's placeholder for an unchanged TOASTed value it did not receive. */
    static final String UNAVAILABLE = "__debezium_unavailable_value";

    private RecordDecoder() {
    }

    /** A decoded data change. */
    record Decoded(String table, char op, Map<String, Object> row, long lsn, Long txId, long sourceTsMicros,
            boolean snapshot) {
    }

    /** Decodes a data-change record; the caller has filtered out tombstones and transaction markers. */
    static Decoded decode(SourceRecord r) {
        Struct value = (Struct) r.value();
        char op = value.getString("op").charAt(0);
        Struct source = value.getStruct("source");
        String table = source.getString("schema") + "." + source.getString("table");
        Struct image = op == 'd' ? value.getStruct("before") : value.getStruct("after");
        if (image == null && op == 'd') {
            // With the default replica identity a delete carries only the key, in the record key.
            image = (Struct) r.key();
        }
        Map<String, Object> row = image == null ? Map.of() : toRow(image);
        Long lsn = source.getInt64("lsn");
        Object txId = source.get("txId");
        Object tsUs = source.schema().field("ts_us") != null ? source.get("ts_us") : null;
        long ts = tsUs != null ? (Long) tsUs : source.getInt64("ts_ms") * 1000;
        String snap = source.getString("snapshot");
        boolean snapshot = snap != null && !"false".equals(snap);
        return new Decoded(table, op, row, lsn == null ? 0 : lsn, txId == null ? null : ((Number) txId).longValue(),
                ts, snapshot);
    }

    static Map<String, Object> toRow(Struct s) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (Field f : s.schema().fields()) {
            row.put(f.name(), convert(f.schema(), s.get(f)));
        }
        return row;
    }

    static Object convert(Schema schema, Object v) {
        if (v == null) {
            return null;
        }
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case "io.debezium.time.Date":
                    return LocalDate.ofEpochDay(((Number) v).longValue());
                case "io.debezium.time.Time":
                    return LocalTime.ofNanoOfDay(((Number) v).longValue() * 1_000_000L);
                case "io.debezium.time.MicroTime":
                    return LocalTime.ofNanoOfDay(((Number) v).longValue() * 1_000L);
                case "io.debezium.time.NanoTime":
                    return LocalTime.ofNanoOfDay(((Number) v).longValue());
                case "io.debezium.time.Timestamp":
                    return micros(((Number) v).longValue() * 1_000L);
                case "io.debezium.time.MicroTimestamp":
                    return micros(((Number) v).longValue());
                case "io.debezium.time.NanoTimestamp":
                    long n = ((Number) v).longValue();
                    return LocalDateTime.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L),
                            (int) Math.floorMod(n, 1_000_000_000L), ZoneOffset.UTC);
                case "io.debezium.time.ZonedTimestamp":
                    return OffsetDateTime.parse((String) v);
                case "io.debezium.time.ZonedTime":
                    return OffsetTime.parse((String) v);
                default:
                    break;
            }
        }
        if (v instanceof BigDecimal b) {
            return b;
        }
        if (v instanceof ByteBuffer bb) {
            byte[] out = new byte[bb.remaining()];
            bb.duplicate().get(out);
            return out;
        }
        if (v instanceof List<?> list) {
            return list.stream().map(e -> convert(schema.valueSchema(), e)).toList();
        }
        if (v instanceof Struct st) {
            return toRow(st);
        }
        return v;
    }

    private static LocalDateTime micros(long us) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(us, 1_000_000L), (int) Math.floorMod(us, 1_000_000L) * 1000,
                ZoneOffset.UTC);
    }
}
