package dev.strangler.cli.ramp;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One route/backend pair's counters in one scrape of the proxy's {@code /metrics}
 * (docs/proxy.md): requests per status class and the cumulative latency buckets. Two scrapes give
 * a window: {@link #minus} → requests, 5xx and p99 of exactly the requests in between.
 *
 * @param requests all answered requests
 * @param errors   5xx answers
 * @param buckets  upper bound in seconds → cumulative count ({@code +Inf} included)
 */
public record ProxyFigures(double requests, double errors, TreeMap<Double, Double> buckets) {

    static final String REQUESTS = "strangler_proxy_requests_total";
    static final String BUCKETS = "strangler_proxy_latency_seconds_bucket";

    /** The figures of {@code route}/{@code backend} in {@code samples}; zeros when the pair has no meters yet. */
    public static ProxyFigures of(List<PromText.Sample> samples, String route, String backend) {
        double requests = 0;
        double errors = 0;
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (PromText.Sample s : samples) {
            Map<String, String> l = s.labels();
            if (!route.equals(l.get("route")) || !backend.equals(l.get("backend"))) {
                continue;
            }
            if (s.name().equals(REQUESTS)) {
                requests += s.value();
                if ("5xx".equals(l.get("status"))) {
                    errors += s.value();
                }
            } else if (s.name().equals(BUCKETS)) {
                String le = l.get("le");
                if (le == null) {
                    throw new IllegalArgumentException(BUCKETS + " of route " + route + " has no le label");
                }
                buckets.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), s.value(), Double::sum);
            }
        }
        return new ProxyFigures(requests, errors, buckets);
    }

    /** This scrape minus an earlier one: the requests in between. A counter reset (proxy restart) counts from zero. */
    public ProxyFigures minus(ProxyFigures earlier) {
        boolean reset = requests < earlier.requests;
        if (reset) {
            return this;
        }
        TreeMap<Double, Double> delta = new TreeMap<>();
        buckets.forEach((le, n) -> delta.put(le, Math.max(0, n - earlier.buckets.getOrDefault(le, 0.0))));
        return new ProxyFigures(requests - earlier.requests, errors - earlier.errors, delta);
    }

    /** 5xx share, or NaN without requests. */
    public double errorRatio() {
        return requests == 0 ? Double.NaN : errors / requests;
    }

    /**
     * The {@code q} quantile in seconds, interpolated linearly inside its bucket like PromQL's
     * {@code histogram_quantile}; NaN without observations. Past the last finite bound: that bound.
     */
    public double quantile(double q) {
        if (buckets.isEmpty()) {
            return Double.NaN;
        }
        double total = buckets.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> b : buckets.entrySet()) {
            if (b.getValue() >= rank) {
                if (b.getKey().isInfinite()) {
                    return lowerBound;
                }
                double inBucket = b.getValue() - lowerCount;
                return inBucket <= 0 ? b.getKey()
                        : lowerBound + (b.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = b.getKey();
            lowerCount = b.getValue();
        }
        return lowerBound;
    }
}
