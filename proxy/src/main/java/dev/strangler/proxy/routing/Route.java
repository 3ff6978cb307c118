package dev.strangler.proxy.routing;

import static java.util.Objects.requireNonNull;

/**
 * One routing rule: requests matching {@link #match()} go to the {@link #legacy()} backend, or to the
 * {@link #target()} backend for the share {@link #weightBps()} (basis points, 0..10000).
 *
 * @param id        stable name used by the admin API, metrics and sticky hashing
 * @param match     which requests the route takes
 * @param legacy    backend name of the monolith
 * @param target    backend name of the extracted service, or null
 * @param weightBps share of requests for the target, 0..10000
 * @param sticky    where the sticky key comes from, or null for per-request bucketing
 * @param rewrite   path rewrite for requests sent to the target, or null
 */
public record Route(String id, RouteMatch match, String legacy, String target, int weightBps,
                    Sticky sticky, PathRewrite rewrite) {

    /** Highest weight: every request to the target. */
    public static final int MAX_WEIGHT_BPS = 10_000;

    public Route {
        requireNonNull(id, "id");
        requireNonNull(match, "match");
        requireNonNull(legacy, "legacy");
        if (weightBps < 0 || weightBps > MAX_WEIGHT_BPS) {
            throw new IllegalArgumentException(
                    "route " + id + ": weightBps " + weightBps + " (expected: 0..10000)");
        }
        if (weightBps > 0 && target == null) {
            throw new IllegalArgumentException("route " + id + ": weightBps > 0 needs a target");
        }
    }

    /** This route with another weight. */
    public Route withWeight(int newWeightBps) {
        return new Route(id, match, legacy, target, newWeightBps, sticky, rewrite);
    }
}
