package dev.strangler.proxy.routing;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Immutable, versioned list of routes, first match wins. The proxy holds the current table in an
 * {@code AtomicReference}; a request reads it once and uses that snapshot to the end, and every
 * change (weight, rollback) swaps in a new table with {@code version + 1}.
 *
 * <p>Each route also has its own version (1 at first, + 1 on every committed change of that route):
 * the admin API's optimistic check ({@code expectedVersion}) compares against it. With a control
 * plane, both the table version and the route versions are the database's, so every proxy of a fleet
 * shows the same numbers.
 */
public final class RouteTable {

    private final long version;
    private final Route[] routes;
    private final Map<String, Route> byId;
    private final Map<String, Long> routeVersions;

    /** A table whose routes are all at route version 1. */
    public RouteTable(long version, List<Route> routes) {
        this(version, routes, Map.of());
    }

    /**
     * @param routeVersions version per route id; a route missing from the map is at version 1
     */
    public RouteTable(long version, List<Route> routes, Map<String, Long> routeVersions) {
        this.version = version;
        this.routes = routes.toArray(new Route[0]);
        Map<String, Route> map = new LinkedHashMap<>();
        Map<String, Long> versions = new LinkedHashMap<>();
        for (Route r : this.routes) {
            if (map.put(r.id(), r) != null) {
                throw new IllegalArgumentException("duplicate route id: " + r.id());
            }
            versions.put(r.id(), routeVersions.getOrDefault(r.id(), 1L));
        }
        this.byId = map;
        this.routeVersions = versions;
    }

    /** Increments on every swap. */
    public long version() {
        return version;
    }

    /** The version of route {@code id} (1 until its first change). */
    public long routeVersion(String id) {
        Long v = routeVersions.get(id);
        if (v == null) {
            throw new IllegalArgumentException("unknown route: " + id);
        }
        return v;
    }

    /** Every route's version, by id, in declared order. */
    public Map<String, Long> routeVersions() {
        return java.util.Collections.unmodifiableMap(routeVersions);
    }

    /** Routes in match order. */
    public List<Route> routes() {
        return List.of(routes);
    }

    /** The route with this id. */
    public Optional<Route> route(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Ids in declared order, for error messages. */
    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    /** First route matching the request, or null. */
    public Route match(String method, String path, HttpHeaders headers) {
        for (Route r : routes) {
            if (r.match().matches(method, path, headers)) {
                return r;
            }
        }
        return null;
    }

    /** A new table (version + 1) with one route's weight changed and its route version + 1. */
    public RouteTable withWeight(String id, int weightBps) {
        return withWeights(Map.of(id, weightBps));
    }

    /**
     * A new table (version + 1) with the given routes' weights set and each of their route versions
     * + 1 (also when the weight stays the same: every committed change counts).
     */
    public RouteTable withWeights(Map<String, Integer> weights) {
        for (String id : weights.keySet()) {
            if (!byId.containsKey(id)) {
                throw new IllegalArgumentException("unknown route: " + id);
            }
        }
        List<Route> next = new ArrayList<>(routes.length);
        Map<String, Long> versions = new LinkedHashMap<>(routeVersions);
        for (Route r : routes) {
            Integer w = weights.get(r.id());
            next.add(w == null ? r : r.withWeight(w));
            if (w != null) {
                versions.merge(r.id(), 1L, Long::sum);
            }
        }
        return new RouteTable(version + 1, next, versions);
    }

    /** A new table (version + 1) with {@code change} applied to every route; route versions kept. */
    public RouteTable map(UnaryOperator<Route> change) {
        List<Route> next = new ArrayList<>(routes.length);
        for (Route r : routes) {
            next.add(change.apply(r));
        }
        return new RouteTable(version + 1, next, routeVersions);
    }

    @Override
    public String toString() {
        return "RouteTable{version=" + version + ", routes=" + byId.keySet() + "}";
    }
}
