package dev.strangler.cdc.verify;

import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.Direction;
import dev.strangler.cdc.JdbcUrl;
import dev.strangler.cdc.apply.Route;
import dev.strangler.cdc.apply.SqlWriter;
import dev.strangler.legacyadapter.mapping.MappingFailure;
import dev.strangler.legacyadapter.mapping.ServiceMapping;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reconciliation: compares the authoritative side (mapped) with the other side in primary-key
 * chunks. Each chunk is hashed on both sides; only a chunk whose hashes differ is compared row
 * by row. Rows are read with keyset pagination, so memory stays at one chunk and 1M rows take
 * seconds to a minute. Mismatches name table and key only (never values).
 */
public final class Verifier {

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    /** One differing row: {@code missing} (on the checked side), {@code extra}, or {@code different}. */
    public record Mismatch(String table, Map<String, Object> key, String kind) {
    }

    /** What a verification found (and repaired). */
    public record Report(long rowsCompared, long chunks, long differingChunks, List<Mismatch> mismatches, long repaired) {
        public boolean clean() {
            return mismatches.isEmpty();
        }
    }

    private final ServiceMapping mapping;
    private final Direction authority;
    private final int chunkSize;

    /**
     * @param authority {@link Direction#FORWARD}: the legacy side is authoritative and the new side
     *                  is checked (and repaired); {@link Direction#REVERSE}: the other way round
     */
    public Verifier(ServiceMapping mapping, Direction authority, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize: " + chunkSize + " (expected: > 0)");
        }
        this.mapping = mapping;
        this.authority = authority;
        this.chunkSize = chunkSize;
    }

    /** Compares (and with {@code repair}, fixes) every mapped table. */
    public Report run(String authoritativeUrl, String checkedUrl, boolean repair) {
        try (Connection src = JdbcUrl.connect(authoritativeUrl); Connection dst = JdbcUrl.connectForApply(checkedUrl)) {
            src.setReadOnly(true);
            src.setAutoCommit(false); // cursors (fetch size) need a transaction
            if (repair) {
                // Repairs are tagged like syncer writes, so the opposite direction does not echo them.
                dev.strangler.cdc.admin.AdminOrigin.setUp(dst, "strangler_repair");
            }
            dst.setAutoCommit(false);
            long rows = 0;
            long chunks = 0;
            long differing = 0;
            long repaired = 0;
            List<Mismatch> mismatches = new ArrayList<>();
            for (Route route : Route.of(mapping, authority)) {
                List<Object> after = null;
                while (true) {
                    List<Map<String, Object>> s = RowReader.chunk(src, route.sourceTable(), route.sourceKeyColumns(),
                            after, null, chunkSize);
                    List<Object> upTo = s.isEmpty() ? null : keyValues(s.get(s.size() - 1), route.sourceKeyColumns());
                    List<Map<String, Object>> t = RowReader.chunk(dst, route.targetTable(), route.targetKeyColumns(),
                            after, upTo, 0);
                    chunks++;
                    rows += s.size();
                    Map<String, String> expected = expected(route, s);
                    Map<String, String> actual = actual(route, t);
                    if (!hash(expected).equals(hash(actual))) {
                        differing++;
                        List<Mismatch> found = diff(route, expected, actual, t, s);
                        mismatches.addAll(found);
                        if (repair) {
                            repaired += repair(route, src, dst, found);
                        }
                    }
                    if (s.isEmpty()) {
                        break;
                    }
                    after = upTo;
                }
            }
            dst.commit();
            src.commit();
            if (repair) {
                dst.setAutoCommit(true);
                dev.strangler.cdc.admin.AdminOrigin.reset(dst);
            }
            return new Report(rows, chunks, differing, List.copyOf(mismatches), repaired);
        } catch (SQLException e) {
            // Not e.getMessage(): a failed repair's message quotes the row's values (PHI).
            throw new CdcSyncException("verify failed: " + dev.strangler.cdc.apply.DeadLetter.reason(e)
                    + (repair ? " (nothing was repaired: the repair runs in one transaction)" : ""), e);
        }
    }

    /*
     * Both sides are compared in ONE form: the new table's columns, as the mapping defines them.
     * Legacy rows go through toNew (forward: the authoritative side; reverse: the checked side),
     * new rows are taken as they are. Comparing in the legacy form instead breaks in reverse: a
     * legacy row the new side never wrote to (upd_ts null, updated_at taken from crt_ts by the
     * fallback) is equal through the mapping but not column by column, so every untouched row of
     * the monolith looked different. Dropped legacy columns are not compared in either direction.
     */

    private Map<String, String> expected(Route route, List<Map<String, Object>> sourceRows) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, Object> s : sourceRows) {
            if (!route.accepts(s)) {
                continue;
            }
            String key = canonKey(route.targetKey(s));
            try {
                if (authority == Direction.FORWARD) {
                    out.put(key, canonRow(route.mapping().toNew(s), route.mapping().newColumns()));
                } else {
                    route.mapping().toLegacy(s); // a new row the reverse sync cannot carry is never equal
                    out.put(key, canonRow(s, route.mapping().newColumns()));
                }
            } catch (MappingFailure e) {
                out.put(key, "unmappable: " + e.getMessage());
            }
        }
        return out;
    }

    private Map<String, String> actual(Route route, List<Map<String, Object>> targetRows) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, Object> t : targetRows) {
            if (authority == Direction.REVERSE && !route.mapping().accepts(t)) {
                continue; // legacy rows outside the mapping's filter are not the new service's
            }
            Map<String, Object> key = new LinkedHashMap<>();
            route.targetKeyColumns().forEach(k -> key.put(k, t.get(k)));
            try {
                Map<String, Object> asNew = authority == Direction.FORWARD ? t : route.mapping().toNew(t);
                out.put(canonKey(key), canonRow(asNew, route.mapping().newColumns()));
            } catch (MappingFailure e) {
                // A legacy value the mapping cannot read (e.g. a code it does not know): never equal.
                out.put(canonKey(key), "unmappable legacy row: " + e.getMessage());
            }
        }
        return out;
    }

    private static List<Mismatch> diff(Route route, Map<String, String> expected, Map<String, String> actual,
            List<Map<String, Object>> targetRows, List<Map<String, Object>> sourceRows) {
        Map<String, Map<String, Object>> keys = new LinkedHashMap<>();
        for (Map<String, Object> s : sourceRows) {
            Map<String, Object> k = route.targetKey(s);
            keys.put(canonKey(k), k);
        }
        for (Map<String, Object> t : targetRows) {
            Map<String, Object> k = new LinkedHashMap<>();
            route.targetKeyColumns().forEach(c -> k.put(c, t.get(c)));
            keys.put(canonKey(k), k);
        }
        List<Mismatch> out = new ArrayList<>();
        keys.forEach((ck, k) -> {
            String e = expected.get(ck);
            String a = actual.get(ck);
            if (e == null && a != null) {
                out.add(new Mismatch(route.targetTable(), k, "extra"));
            } else if (e != null && a == null) {
                out.add(new Mismatch(route.targetTable(), k, "missing"));
            } else if (e != null && !e.equals(a)) {
                out.add(new Mismatch(route.targetTable(), k, "different"));
            }
        });
        return out;
    }

    private static int repair(Route route, Connection src, Connection dst, List<Mismatch> found) throws SQLException {
        int n = 0;
        for (Mismatch m : found) {
            Map<String, Object> s = RowReader.byKey(src, route.sourceTable(), route.sourceKeyOfTarget(m.key()));
            if (s == null || !route.accepts(s)) {
                n += SqlWriter.delete(dst, route.targetTable(), route.targetKeyColumns(), List.of(m.key()));
            } else {
                Map<String, Object> row;
                try {
                    row = route.toTarget(s);
                } catch (MappingFailure e) {
                    continue; // stays reported: the mapping (or the row) must be fixed first
                }
                // Repair copies the authoritative row whatever the version says.
                SqlWriter.upsertRow(dst, route.targetTable(), List.copyOf(row.keySet()), route.targetKeyColumns(), null,
                        true, row);
                n++;
            }
        }
        return n;
    }

    private static List<Object> keyValues(Map<String, Object> row, List<String> cols) {
        List<Object> out = new ArrayList<>();
        cols.forEach(c -> out.add(row.get(c)));
        return out;
    }

    static String canonKey(Map<String, Object> key) {
        StringBuilder sb = new StringBuilder();
        key.values().forEach(v -> sb.append(canon(v)).append('\u001f'));
        return sb.toString();
    }

    static String canonRow(Map<String, Object> row, Iterable<String> cols) {
        StringBuilder sb = new StringBuilder();
        for (String c : cols) {
            sb.append(c).append('=').append(canon(row.get(c))).append('\u001f');
        }
        return sb.toString();
    }

    static String canon(Object v) {
        if (v == null) {
            return "\u2205";
        }
        if (v instanceof Number || (v instanceof String s && NUMBER.matcher(s).matches())) {
            return new BigDecimal(v.toString()).stripTrailingZeros().toPlainString();
        }
        if (v instanceof OffsetDateTime o) {
            return o.toInstant().toString();
        }
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        return v.toString().strip();
    }

    private static String hash(Map<String, String> rows) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            rows.forEach((k, v) -> {
                md.update(k.getBytes(StandardCharsets.UTF_8));
                md.update(v.getBytes(StandardCharsets.UTF_8));
            });
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
