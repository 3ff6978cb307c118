package dev.strangler.shadow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.diff.Difference;
import dev.strangler.shadow.noise.NoiseRule;

import static java.util.Objects.requireNonNull;

/**
 * The diff store's read side, shared by the dashboard and {@code strangler shadow}: reports
 * per route, examples by field, evidence by id. Noise is judged from the stored counters with
 * the same {@link NoiseRule} the comparator uses live. Blocking JDBC: never call it from an
 * event loop.
 */
public final class DiffQueries {

    private static final TypeReference<List<Difference>> DIFFERENCES = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, List<String>>> HEADERS = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final NoiseRule noiseRule;
    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();

    public DiffQueries(DataSource dataSource, NoiseRule noiseRule) {
        this.dataSource = requireNonNull(dataSource, "dataSource");
        this.noiseRule = requireNonNull(noiseRule, "noiseRule");
    }

    /** Routes with any comparison since {@code since}, by name. */
    public List<String> routes(Instant since) {
        return query("listing routes", "SELECT DISTINCT route FROM shadow_route_bucket WHERE bucket >= ? ORDER BY route",
                ps -> ps.setTimestamp(1, Timestamp.from(floor(since))), rs -> rs.getString(1));
    }

    /** The report of one route since {@code since} ({@code topN} fields at most). */
    public RouteReport report(String route, Instant since, int topN) {
        Timestamp from = Timestamp.from(floor(since));
        List<RouteReport.Bucket> series = query("reading counters of route " + route, """
                SELECT bucket, comparisons, matches, mismatches, timeouts, errors FROM shadow_route_bucket
                WHERE route = ? AND bucket >= ? ORDER BY bucket""",
                ps -> { ps.setString(1, route); ps.setTimestamp(2, from); },
                rs -> new RouteReport.Bucket(rs.getTimestamp(1).toInstant(), rs.getLong(2), rs.getLong(3),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6)));
        long[] totals = new long[5];
        for (RouteReport.Bucket b : series) {
            totals[0] += b.comparisons();
            totals[1] += b.matches();
            totals[2] += b.mismatches();
            totals[3] += b.timeouts();
            totals[4] += b.errors();
        }
        long pairs = query("reading primary pairs of route " + route,
                "SELECT coalesce(sum(primary_pairs), 0) FROM shadow_route_bucket WHERE route = ? AND bucket >= ?",
                ps -> { ps.setString(1, route); ps.setTimestamp(2, from); }, rs -> rs.getLong(1)).get(0);
        record Row(String field, long diffs, long noise, String kind, Instant first, Instant last) {
        }
        List<Row> rows = query("reading fields of route " + route, """
                SELECT field, sum(diffs), sum(noise_diffs), max(last_kind), min(first_seen), max(last_seen)
                FROM shadow_field_bucket WHERE route = ? AND bucket >= ? GROUP BY field""",
                ps -> { ps.setString(1, route); ps.setTimestamp(2, from); },
                rs -> new Row(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant()));
        long comparisons = totals[0];
        List<RouteReport.FieldStat> top = new ArrayList<>();
        List<RouteReport.NoiseFieldStat> noise = new ArrayList<>();
        for (Row row : rows) {
            if (noiseRule.isNoise(row.noise(), pairs, row.diffs(), comparisons)) {
                noise.add(new RouteReport.NoiseFieldStat(row.field(), NoiseRule.rate(row.noise(), pairs),
                        NoiseRule.rate(row.diffs(), comparisons), row.noise(), row.diffs()));
            } else if (row.diffs() > 0) {
                top.add(new RouteReport.FieldStat(row.field(), row.diffs(), NoiseRule.rate(row.diffs(), comparisons),
                        row.kind(), row.first(), row.last()));
            }
        }
        top.sort(Comparator.comparingLong(RouteReport.FieldStat::count).reversed().thenComparing(RouteReport.FieldStat::field));
        noise.sort(Comparator.comparingDouble(RouteReport.NoiseFieldStat::noiseRate).reversed()
                .thenComparing(RouteReport.NoiseFieldStat::field));
        return new RouteReport(route, since, comparisons, totals[1], totals[2], totals[3], totals[4], pairs,
                NoiseRule.rate(totals[2], comparisons), List.copyOf(top.subList(0, Math.min(topN, top.size()))),
                List.copyOf(noise), List.copyOf(series));
    }

    /**
     * Raw noise counters of {@code route} since {@code since}, to seed a restarted comparator's
     * {@code NoiseLearner}: primary pairs, comparisons, and per field {noise, shadow} counts.
     */
    public NoiseCounts noiseCounts(String route, Instant since) {
        Timestamp from = Timestamp.from(floor(since));
        long[] totals = query("reading noise totals of route " + route,
                "SELECT coalesce(sum(primary_pairs), 0), coalesce(sum(comparisons), 0) FROM shadow_route_bucket "
                        + "WHERE route = ? AND bucket >= ?",
                ps -> { ps.setString(1, route); ps.setTimestamp(2, from); },
                rs -> new long[] {rs.getLong(1), rs.getLong(2)}).get(0);
        Map<String, long[]> fields = new HashMap<>();
        for (Map.Entry<String, long[]> e : query("reading noise fields of route " + route,
                "SELECT field, sum(noise_diffs), sum(diffs) FROM shadow_field_bucket "
                        + "WHERE route = ? AND bucket >= ? GROUP BY field",
                ps -> { ps.setString(1, route); ps.setTimestamp(2, from); },
                rs -> Map.entry(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)}))) {
            fields.put(e.getKey(), e.getValue());
        }
        return new NoiseCounts(totals[0], totals[1], Map.copyOf(fields));
    }

    /** Stored noise counters of one route; {@code fields}: field → {noise, shadow} differences. */
    public record NoiseCounts(long primaryPairs, long comparisons, Map<String, long[]> fields) {
    }

    /** Newest examples of {@code route} where {@code field} differed (any field if null). */
    public List<EvidenceSummary> examples(String route, String field, int limit) {
        String sql = "SELECT id, route, created_at, method, request_target, differences, request_redactions "
                + "FROM shadow_evidence WHERE route = ?" + (field == null ? "" : " AND fields @> ARRAY[?]::text[]")
                + " ORDER BY created_at DESC, id DESC LIMIT ?";
        return query("listing examples of route " + route, sql, ps -> {
            int i = 1;
            ps.setString(i++, route);
            if (field != null) {
                ps.setString(i++, field);
            }
            ps.setInt(i, limit);
        }, rs -> new EvidenceSummary(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                rs.getString(4) + " " + rs.getString(5), readJson(rs.getString(6), DIFFERENCES),
                ((String[]) rs.getArray(7).getArray()).length == 0));
    }

    /** One stored example, complete. */
    public Optional<Evidence> evidence(long id) {
        List<Evidence> found = query("reading evidence " + id, """
                SELECT id, route, created_at, differences, method, request_target, request_headers, request_body,
                  request_redactions, primary_status, primary_headers, primary_body, shadow_status, shadow_headers,
                  shadow_body FROM shadow_evidence WHERE id = ?""",
                ps -> ps.setLong(1, id),
                rs -> new Evidence(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        readJson(rs.getString(4), DIFFERENCES), rs.getString(5), rs.getString(6),
                        HttpHeaders.of(readJson(rs.getString(7), HEADERS)), rs.getString(8),
                        Arrays.asList((String[]) rs.getArray(9).getArray()),
                        rs.getInt(10), HttpHeaders.of(readJson(rs.getString(11), HEADERS)), rs.getString(12),
                        rs.getInt(13), HttpHeaders.of(readJson(rs.getString(14), HEADERS)), rs.getString(15)));
        return found.stream().findFirst();
    }

    /** The last saved shadow settings of {@code route}, as JSON. */
    public Optional<String> routeConfigJson(String route) {
        return query("reading config of route " + route, "SELECT config::text FROM shadow_route_config WHERE route = ?",
                ps -> ps.setString(1, route), rs -> rs.getString(1)).stream().findFirst();
    }

    private static Instant floor(Instant since) {
        // From epoch millis, so sub-millisecond digits of Instant.now() cannot push the floor past
        // the bucket start (which would drop the current bucket from every "since now-ish" query).
        long ms = since.toEpochMilli();
        return Instant.ofEpochMilli(ms - Math.floorMod(ms, 60_000L));
    }

    private <T> T readJson(String text, TypeReference<T> type) throws SQLException {
        try {
            return json.readValue(text, type);
        } catch (java.io.IOException e) {
            throw new SQLException("stored JSON unreadable: " + e.getMessage(), e);
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String what, String sql, Binder binder, Mapper<T> mapper) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new DiffStoreException("diff store: " + what + " failed: " + e.getMessage(), e);
        }
    }
}
