package dev.strangler.shadow;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.strangler.shadow.noise.NoiseLearner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The comparator's meters. Tags are the route id and the result only: never paths, fields or
 * anything taken from a request.
 * <ul>
 *   <li>{@code strangler.shadow.comparisons{route,result=match|mismatch|timeout|error}}</li>
 *   <li>{@code strangler.shadow.mismatch.ratio{route}}: mismatches / (matches + mismatches) since start</li>
 *   <li>{@code strangler.shadow.drops{stage=queue|unknown_route}}: exchanges not compared</li>
 *   <li>{@code strangler.shadow.noise.fields{route}}: fields currently discounted as noise</li>
 *   <li>{@code strangler.shadow.queue.size}: exchanges waiting for a worker</li>
 * </ul>
 */
final class ShadowMetrics {

    private final MeterRegistry meters;
    private final NoiseLearner noise;
    private final Map<String, RouteMeters> routes = new ConcurrentHashMap<>();
    final Counter queueDrops;
    final Counter unknownRouteDrops;

    ShadowMetrics(MeterRegistry meters, NoiseLearner noise) {
        this.meters = meters;
        this.noise = noise;
        this.queueDrops = Counter.builder("strangler.shadow.drops").tag("stage", "queue")
                .description("Mirrored exchanges dropped because the comparison queue was full").register(meters);
        this.unknownRouteDrops = Counter.builder("strangler.shadow.drops").tag("stage", "unknown_route")
                .description("Mirrored exchanges dropped because their route has no shadow config").register(meters);
    }

    void count(String route, ComparisonResult result) {
        routes.computeIfAbsent(route, this::register).count(result);
    }

    private RouteMeters register(String route) {
        RouteMeters m = new RouteMeters();
        for (ComparisonResult r : ComparisonResult.values()) {
            m.counters.put(r, Counter.builder("strangler.shadow.comparisons").tag("route", route).tag("result", r.tag())
                    .description("Mirrored exchanges compared, by result").register(meters));
        }
        Gauge.builder("strangler.shadow.mismatch.ratio", m, RouteMeters::mismatchRatio).tag("route", route)
                .description("Share of compared exchanges with a real (non-noise) difference, since start")
                .register(meters);
        Gauge.builder("strangler.shadow.noise.fields", noise, n -> n.noiseFields(route).size()).tag("route", route)
                .description("Fields currently discounted as noise").register(meters);
        return m;
    }

    private static final class RouteMeters {
        final Map<ComparisonResult, Counter> counters = new java.util.EnumMap<>(ComparisonResult.class);
        final LongAdder matches = new LongAdder();
        final LongAdder mismatches = new LongAdder();

        void count(ComparisonResult result) {
            counters.get(result).increment();
            if (result == ComparisonResult.MATCH) {
                matches.increment();
            } else if (result == ComparisonResult.MISMATCH) {
                mismatches.increment();
            }
        }

        double mismatchRatio() {
            long mm = mismatches.sum();
            long total = mm + matches.sum();
            return total == 0 ? 0 : (double) mm / total;
        }
    }
}
