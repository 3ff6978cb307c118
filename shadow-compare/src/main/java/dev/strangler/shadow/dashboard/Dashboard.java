package dev.strangler.shadow.dashboard;

import java.time.Clock;

import dev.strangler.shadow.store.DiffQueries;

import static java.util.Objects.requireNonNull;

/**
 * The SRE dashboard as one request → answer function, for whichever HTTP server hosts it
 * (the proxy's admin port). Serving it from Netty takes a few lines:
 *
 * <pre>{@code
 * HttpAnswer a = dashboard.answer(req.method().name(), req.uri());   // on a blocking executor
 * if (a != null) { write status a.status(), Content-Type a.contentType(), body a.body() }
 * }</pre>
 *
 * Static pages are answered from memory; {@code /dashboard/api/*} reads the diff store (JDBC),
 * so call it off the event loop.
 */
public final class Dashboard {

    private final DashboardResources resources = new DashboardResources();
    private final DashboardApi api;

    public Dashboard(DiffQueries queries, RouteStatsProvider stats, Clock clock) {
        this.api = new DashboardApi(requireNonNull(queries, "queries"), stats, clock);
    }

    /**
     * Answers {@code uri} (path and optional query), or returns null if it is not a dashboard
     * URI (the caller then answers 404 or routes it elsewhere).
     */
    public HttpAnswer answer(String method, String uri) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String query = q < 0 ? "" : uri.substring(q + 1);
        if (DashboardApi.handles(path)) {
            return api.answer(method, path, query);
        }
        return resources.find(path).orElse(null);
    }
}
