package dev.strangler.bench.shadow;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.ShadowComparator;
import dev.strangler.shadow.ShadowExchange;
import dev.strangler.shadow.ShadowResponse;
import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.redact.RedactionConfig;
import dev.strangler.shadow.store.ComparisonRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * One comparison as a worker runs it: parse both JSON bodies, normalise, diff, learn noise,
 * classify, count metrics, sample (rarely) redacted evidence, hand to a sink. One thread,
 * so ops/s is comparisons per second per core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class ComparatorBenchmark {

    /** Approximate body size in bytes. */
    @Param({"1024", "32768"})
    public int bodyBytes;

    /**
     * "mismatch": one field differs; "equal-tree": same content, different formatting (parsed
     * and compared in full); "identical": byte-equal bodies (short-cut, no parsing).
     */
    @Param({"mismatch", "equal-tree", "identical"})
    public String kind;

    private ShadowComparator comparator;
    private ShadowExchange exchange;
    private long records;

    @Setup(Level.Trial)
    public void setUp() {
        comparator = ShadowComparator.builder().meters(new SimpleMeterRegistry())
                .redaction(RedactionConfig.builder().hmacKey("bench-key-0123456789abcdef").build())
                .sink(this::count)
                .routes(List.of(ShadowRouteConfig.builder("appointments").headers(List.of("content-type", "date")).build()))
                .build();
        String primary = body(bodyBytes, "BOOKED");
        String shadow = switch (kind) {
            case "mismatch" -> body(bodyBytes, "CANCELLED");
            // the same tree re-serialised (indented): formatting differs, no value does
            case "equal-tree" -> reformatted(primary);
            case "identical" -> primary;
            default -> throw new IllegalArgumentException("kind: " + kind + " (expected: mismatch, equal-tree, identical)");
        };
        exchange = ShadowExchange.builder("appointments").request("GET", "/appointments", "patient=42")
                .primary(response(primary)).shadow(response(shadow)).build();
    }

    private boolean count(ComparisonRecord record) {
        records++;
        return true;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        comparator.close();
    }

    @Benchmark
    public ComparisonRecord compare() {
        return comparator.compare(exchange);
    }

    private static String reformatted(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).toPrettyString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ShadowResponse response(String body) {
        return ShadowResponse.of(200, HttpHeaders.builder().add("Content-Type", "application/json")
                .add("Date", "Sat, 28 Nov 2026 04:00:00 GMT").build(), body.getBytes(StandardCharsets.UTF_8));
    }

    /** A realistic appointments listing of about {@code size} bytes; the first status is {@code status}. */
    static String body(int size, String status) {
        StringBuilder sb = new StringBuilder("{\"page\":1,\"appointments\":[");
        int i = 0;
        while (sb.length() < size - 40) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"id\":").append(1000 + i).append(",\"physicianId\":").append(77 + i % 5)
                    .append(",\"start\":\"2026-12-0").append(1 + i % 9).append("T09:30:00Z\",\"durationMin\":30,")
                    .append("\"status\":\"").append(i == 0 ? status : "BOOKED").append("\",\"fee\":")
                    .append(45.5 + i).append(",\"video\":true}");
            i++;
        }
        return sb.append("],\"total\":").append(i).append('}').toString();
    }
}
