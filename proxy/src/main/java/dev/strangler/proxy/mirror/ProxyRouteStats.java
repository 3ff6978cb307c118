package dev.strangler.proxy.mirror;

import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteTable;
import dev.strangler.shadow.dashboard.RouteStats;
import dev.strangler.shadow.dashboard.RouteStatsProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The dashboard's live proxy figures, read from the proxy's own meters and route table: weight,
 * actual split, error rate (5xx) and p99 per backend. Split and error rate cover the last
 * {@link #WINDOW} (from a snapshot of the request counters kept at least that long ago; since
 * start while the proxy is younger); p99 comes from the latency histogram the meter registry keeps.
 * Called on the admin worker thread; cheap (a registry search per route).
 */
public final class ProxyRouteStats implements RouteStatsProvider {

    /** Split and error rate are computed over this window. */
    public static final Duration WINDOW = Duration.ofMinutes(1);

    private final Supplier<RouteTable> routes;
    private final MeterRegistry registry;
    private final Clock clock;
    private final ArrayDeque<Snapshot> history = new ArrayDeque<>();

    public ProxyRouteStats(Supplier<RouteTable> routes, MeterRegistry registry, Clock clock) {
        this.routes = routes;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public synchronized List<RouteStats> routeStats() {
        Instant now = clock.instant();
        Map<String, double[]> counts = counts(); // "route\0backend" -> {total, 5xx}
        history.addLast(new Snapshot(now, counts));
        Snapshot base = null;
        for (Snapshot s : history) {
            if (!s.at.isAfter(now.minus(WINDOW))) {
                base = s;
            }
        }
        while (history.size() > 1 && history.peekFirst() != base && history.peekFirst().at.isBefore(now.minus(WINDOW.multipliedBy(2)))) {
            history.pollFirst();
        }
        List<RouteStats> out = new ArrayList<>();
        for (Route r : routes.get().routes()) {
            double total = 0;
            double errors = 0;
            double toTarget = 0;
            Map<String, Double> p99 = new LinkedHashMap<>();
            for (String backend : r.target() == null ? List.of(r.legacy()) : List.of(r.legacy(), r.target())) {
                double[] c = delta(counts, base, r.id() + '\0' + backend);
                total += c[0];
                errors += c[1];
                if (backend.equals(r.target())) {
                    toTarget += c[0];
                }
                Timer t = registry.find("strangler.proxy.latency").tags("route", r.id(), "backend", backend).timer();
                if (t != null && t.count() > 0) {
                    p99.put(backend, p99Millis(t.takeSnapshot()));
                }
            }
            out.add(new RouteStats(r.id(), r.weightBps(), total == 0 ? 0 : toTarget / total, total == 0 ? 0 : errors / total, p99));
        }
        return out;
    }

    private Map<String, double[]> counts() {
        Map<String, double[]> out = new HashMap<>();
        for (Counter c : registry.find("strangler.proxy.requests").counters()) {
            String key = c.getId().getTag("route") + '\0' + c.getId().getTag("backend");
            double[] v = out.computeIfAbsent(key, k -> new double[2]);
            v[0] += c.count();
            if ("5xx".equals(c.getId().getTag("status"))) {
                v[1] += c.count();
            }
        }
        return out;
    }

    private static double[] delta(Map<String, double[]> now, Snapshot base, String key) {
        double[] n = now.getOrDefault(key, new double[2]);
        double[] b = base == null ? new double[2] : base.counts.getOrDefault(key, new double[2]);
        return new double[] {Math.max(0, n[0] - b[0]), Math.max(0, n[1] - b[1])};
    }

    /** 99th percentile from histogram buckets (upper bound of the bucket holding it). */
    static double p99Millis(HistogramSnapshot s) {
        CountAtBucket[] buckets = s.histogramCounts();
        if (buckets.length == 0) {
            return s.max(TimeUnit.MILLISECONDS);
        }
        boolean cumulative = true;
        for (int i = 1; i < buckets.length; i++) {
            if (buckets[i].count() < buckets[i - 1].count()) {
                cumulative = false;
                break;
            }
        }
        double total = 0;
        if (cumulative) {
            total = Math.max(buckets[buckets.length - 1].count(), 0);
        } else {
            for (CountAtBucket b : buckets) {
                total += b.count();
            }
        }
        if (total == 0) {
            return s.max(TimeUnit.MILLISECONDS);
        }
        double seen = 0;
        for (CountAtBucket b : buckets) {
            seen = cumulative ? b.count() : seen + b.count();
            if (seen >= 0.99 * total) {
                double upper = b.bucket(TimeUnit.MILLISECONDS);
                double max = s.max(TimeUnit.MILLISECONDS);
                return max > 0 ? Math.min(upper, max) : upper; // a bucket's bound may be far above what was seen
            }
        }
        return s.max(TimeUnit.MILLISECONDS);
    }

    private record Snapshot(Instant at, Map<String, double[]> counts) {
    }
}
