package dev.strangler.shadow.dashboard;

import java.util.List;

/**
 * What the proxy tells the dashboard about its routes (weights, split, errors, latency). The
 * proxy implements it over its route table and meters; it is called on the dashboard's
 * request thread, so it must be cheap and thread-safe.
 */
@FunctionalInterface
public interface RouteStatsProvider {

    /** No proxy attached: the dashboard shows comparison figures only. */
    RouteStatsProvider NONE = List::of;

    /** Current figures of every route. */
    List<RouteStats> routeStats();
}
