package dev.strangler.shadow.dashboard;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Live traffic figures of one route, supplied by the proxy through {@link RouteStatsProvider}.
 *
 * @param weightBps      configured share of traffic for the extracted service, 0..10000
 * @param targetShare    share of recent requests that actually went to the extracted service, 0..1
 * @param errorRate      share of recent requests answered 5xx or failed, 0..1
 * @param p99MillisByBackend 99th percentile latency per backend ({@code legacy}, {@code target}, ...)
 */
public record RouteStats(String route, int weightBps, double targetShare, double errorRate,
                         Map<String, Double> p99MillisByBackend) {

    public RouteStats {
        requireNonNull(route, "route");
        if (weightBps < 0 || weightBps > 10_000) {
            throw new IllegalArgumentException("route " + route + ": weightBps " + weightBps + " (expected: 0..10000)");
        }
        p99MillisByBackend = Map.copyOf(p99MillisByBackend);
    }
}
