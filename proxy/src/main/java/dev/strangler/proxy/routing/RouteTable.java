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
 */
public final class RouteTable {

    private final long version;
    private final Route[] routes;
    private final Map<String, Route> byId;

    public RouteTable(long version, List<Route> routes) {
        this.version = version;
        this.routes = routes.toArray(new Route[0]);
        Map<String, Route> map = new LinkedHashMap<>();
        for (Route r : this.routes) {
            if (map.put(r.id(), r) != null) {
                throw new IllegalArgumentException("duplicate route id: " + r.id());
            }
        }
        this.byId = map;
    }

    /** Increments on every swap. */
    public long version() {
        return version;
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

    /** A new table (version + 1) with one route's weight changed. */
    public RouteTable withWeight(String id, int weightBps) {
        if (!byId.containsKey(id)) {
            throw new IllegalArgumentException("unknown route: " + id);
        }
        return map(r -> r.id().equals(id) ? r.withWeight(weightBps) : r);
    }

    /** A new table (version + 1) with {@code change} applied to every route. */
    public RouteTable map(UnaryOperator<Route> change) {
        List<Route> next = new ArrayList<>(routes.length);
        for (Route r : routes) {
            next.add(change.apply(r));
        }
        return new RouteTable(version + 1, next);
    }

    @Override
    public String toString() {
        return "RouteTable{version=" + version + ", routes=" + byId.keySet() + "}";
    }
}
