package dev.strangler.shadow.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.shadow.diff.Difference;

/**
 * Counters and evidence folded in memory by the writer thread between two writes: many
 * comparisons of one route in one bucket become one upsert. Used by one thread only.
 */
final class PendingBatch {

    private final long bucketMillis;
    private final ObjectMapper json;
    private final Map<RouteKey, long[]> routes = new HashMap<>();
    private final Map<FieldKey, FieldAgg> fields = new HashMap<>();
    private final List<Evidence> evidence = new ArrayList<>();
    private int size;

    PendingBatch(Duration bucket, ObjectMapper json) {
        this.bucketMillis = bucket.toMillis();
        this.json = json;
    }

    private record RouteKey(String route, long bucket) {
    }

    private record FieldKey(String route, String field, long bucket) {
    }

    private static final class FieldAgg {
        long diffs;
        long noiseDiffs;
        String lastKind;
        Instant first;
        Instant last;

        void seen(Instant at) {
            first = first == null || at.isBefore(first) ? at : first;
            last = last == null || at.isAfter(last) ? at : last;
        }
    }

    void add(ComparisonRecord r) {
        size++;
        long bucket = Math.floorDiv(r.at().toEpochMilli(), bucketMillis) * bucketMillis;
        long[] c = routes.computeIfAbsent(new RouteKey(r.route(), bucket), k -> new long[6]);
        switch (r.result()) {
            case MATCH -> { c[0]++; c[1]++; }
            case MISMATCH -> { c[0]++; c[2]++; }
            case TIMEOUT -> c[3]++;
            case ERROR -> c[4]++;
        }
        if (r.primaryPair()) {
            c[5]++;
        }
        Set<String> counted = new LinkedHashSet<>();
        for (Difference d : r.differences()) {
            if (counted.add(d.field())) { // a field counts once per comparison
                FieldAgg agg = fields.computeIfAbsent(new FieldKey(r.route(), d.field(), bucket), k -> new FieldAgg());
                agg.diffs++;
                agg.lastKind = d.kind().name();
                agg.seen(r.at());
            }
        }
        for (String field : new LinkedHashSet<>(r.primaryPairFields())) {
            FieldAgg agg = fields.computeIfAbsent(new FieldKey(r.route(), field, bucket), k -> new FieldAgg());
            agg.noiseDiffs++;
            agg.seen(r.at());
        }
        if (r.evidence() != null) {
            evidence.add(r.evidence());
        }
    }

    int size() {
        return size;
    }

    /** What the batch holds in memory: counter rows and evidence (records fold into counters). */
    int entries() {
        return routes.size() + fields.size() + evidence.size();
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        routes.clear();
        fields.clear();
        evidence.clear();
        size = 0;
    }

    void writeTo(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO shadow_route_bucket AS t
                  (route, bucket, comparisons, matches, mismatches, timeouts, errors, primary_pairs)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (route, bucket) DO UPDATE SET
                  comparisons = t.comparisons + excluded.comparisons, matches = t.matches + excluded.matches,
                  mismatches = t.mismatches + excluded.mismatches, timeouts = t.timeouts + excluded.timeouts,
                  errors = t.errors + excluded.errors, primary_pairs = t.primary_pairs + excluded.primary_pairs""")) {
            for (Map.Entry<RouteKey, long[]> e : routes.entrySet()) {
                ps.setString(1, e.getKey().route());
                ps.setTimestamp(2, new Timestamp(e.getKey().bucket()));
                for (int i = 0; i < 6; i++) {
                    ps.setLong(3 + i, e.getValue()[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO shadow_field_bucket AS t
                  (route, field, bucket, diffs, noise_diffs, last_kind, first_seen, last_seen)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (route, field, bucket) DO UPDATE SET
                  diffs = t.diffs + excluded.diffs, noise_diffs = t.noise_diffs + excluded.noise_diffs,
                  last_kind = coalesce(excluded.last_kind, t.last_kind),
                  first_seen = least(t.first_seen, excluded.first_seen),
                  last_seen = greatest(t.last_seen, excluded.last_seen)""")) {
            for (Map.Entry<FieldKey, FieldAgg> e : fields.entrySet()) {
                FieldAgg agg = e.getValue();
                ps.setString(1, e.getKey().route());
                ps.setString(2, e.getKey().field());
                ps.setTimestamp(3, new Timestamp(e.getKey().bucket()));
                ps.setLong(4, agg.diffs);
                ps.setLong(5, agg.noiseDiffs);
                ps.setString(6, agg.lastKind);
                ps.setTimestamp(7, Timestamp.from(agg.first));
                ps.setTimestamp(8, Timestamp.from(agg.last));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        if (!evidence.isEmpty()) {
            writeEvidence(c);
        }
    }

    private void writeEvidence(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO shadow_evidence (route, created_at, fields, differences, method, request_target,
                  request_headers, request_body, request_redactions, primary_status, primary_headers, primary_body,
                  shadow_status, shadow_headers, shadow_body)
                VALUES (?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?)""")) {
            for (Evidence e : evidence) {
                Array fieldArray = c.createArrayOf("text",
                        e.differences().stream().map(Difference::field).distinct().toArray());
                ps.setString(1, e.route());
                ps.setTimestamp(2, Timestamp.from(e.createdAt()));
                ps.setArray(3, fieldArray);
                ps.setString(4, toJson(e.differences()));
                ps.setString(5, e.method());
                ps.setString(6, e.requestTarget());
                ps.setString(7, toJson(e.requestHeaders().asMap()));
                ps.setString(8, e.requestBody());
                ps.setArray(9, c.createArrayOf("text", e.requestRedactions().toArray()));
                ps.setInt(10, e.primaryStatus());
                ps.setString(11, toJson(e.primaryHeaders().asMap()));
                ps.setString(12, e.primaryBody());
                ps.setInt(13, e.shadowStatus());
                ps.setString(14, toJson(e.shadowHeaders().asMap()));
                ps.setString(15, e.shadowBody());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private String toJson(Object value) throws SQLException {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new SQLException("evidence could not be serialised: " + e.getOriginalMessage(), e);
        }
    }
}
