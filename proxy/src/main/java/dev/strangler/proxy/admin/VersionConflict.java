package dev.strangler.proxy.admin;

import dev.strangler.proxy.routing.RouteTable;

/**
 * 409: the caller's {@code expectedVersion} of a route is not the committed one any more (someone
 * else changed it first). Carries the current table so the answer can show the route as it is now.
 */
public final class VersionConflict extends AdminException {

    private final transient RouteTable current;
    private final String routeId;

    public VersionConflict(String routeId, long expected, RouteTable current) {
        super(409, "conflict", "route '" + routeId + "' is at version " + current.routeVersion(routeId)
                + ", not " + expected + " (someone changed it first; read it again and retry with the new version)");
        this.current = current;
        this.routeId = routeId;
    }

    /** The table as committed now (its route {@link #routeId()} is the one that conflicted). */
    public RouteTable current() {
        return current;
    }

    public String routeId() {
        return routeId;
    }
}
