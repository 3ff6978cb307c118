package dev.strangler.shadow.dashboard;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.strangler.shadow.Durations;
import dev.strangler.shadow.store.DiffQueries;
import dev.strangler.shadow.store.DiffStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * The dashboard's JSON endpoints, as plain request → {@link HttpAnswer}, so any HTTP server can
 * serve them. Blocking (JDBC): call from a worker thread, never a Netty event loop.
 * <ul>
 *   <li>{@code GET /dashboard/api/overview?since=1h} — every route: figures, time series, top
 *       and noise fields, proxy stats</li>
 *   <li>{@code GET /dashboard/api/examples?route=R&field=/p&limit=5} — newest redacted examples</li>
 *   <li>{@code GET /dashboard/api/evidence/ID} — one redacted example with both responses</li>
 * </ul>
 */
public final class DashboardApi {

    private static final Logger log = LoggerFactory.getLogger(DashboardApi.class);
    private static final String PREFIX = "/dashboard/api/";

    private final DiffQueries queries;
    private final RouteStatsProvider stats;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public DashboardApi(DiffQueries queries, RouteStatsProvider stats, Clock clock) {
        this.queries = requireNonNull(queries, "queries");
        this.stats = requireNonNull(stats, "stats");
        this.clock = requireNonNull(clock, "clock");
    }

    /** True if {@code path} belongs to this API. */
    public static boolean handles(String path) {
        return path.startsWith(PREFIX);
    }

    /** Answers one request; {@code path} without query, {@code query} raw (may be empty). */
    public HttpAnswer answer(String method, String path, String query) {
        if (!"GET".equals(method)) {
            return HttpAnswer.error(405, "method " + method + " (expected: GET)");
        }
        Map<String, String> params = params(query);
        try {
            String rest = path.substring(PREFIX.length());
            if (rest.equals("overview")) {
                return ok(overview(Durations.parse(params.getOrDefault("since", "1h"))));
            }
            if (rest.equals("examples")) {
                String route = params.get("route");
                if (route == null) {
                    return HttpAnswer.error(400, "route: missing (expected: ?route=ROUTE[&field=/pointer])");
                }
                return ok(queries.examples(route, params.get("field"), limit(params.getOrDefault("limit", "5"))));
            }
            if (rest.startsWith("evidence/")) {
                long id = Long.parseLong(rest.substring("evidence/".length()));
                return queries.evidence(id).map(this::ok)
                        .orElseGet(() -> HttpAnswer.error(404, "evidence " + id + ": not found (expired or never stored)"));
            }
            return HttpAnswer.error(404, "no such dashboard endpoint: " + path);
        } catch (NumberFormatException e) {
            return HttpAnswer.error(400, "id: not a number (expected: /dashboard/api/evidence/123)");
        } catch (IllegalArgumentException e) {
            return HttpAnswer.error(400, e.getMessage());
        } catch (DiffStoreException e) {
            log.warn("dashboard: {}", e.getMessage());
            return HttpAnswer.error(503, "diff store unavailable: " + e.getMessage());
        }
    }

    private Map<String, Object> overview(Duration window) {
        Instant now = clock.instant();
        Instant since = now.minus(window);
        Map<String, RouteStats> byRoute = new HashMap<>();
        for (RouteStats s : stats.routeStats()) {
            byRoute.put(s.route(), s);
        }
        TreeSet<String> routes = new TreeSet<>(queries.routes(since));
        routes.addAll(byRoute.keySet());
        List<Map<String, Object>> out = routes.stream().map(route -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("route", route);
            r.put("stats", byRoute.get(route));
            r.put("report", queries.report(route, since, 10));
            return r;
        }).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("generatedAt", now);
        body.put("since", since);
        body.put("routes", out);
        return body;
    }

    private static int limit(String text) {
        int limit = Integer.parseInt(text);
        if (limit < 1 || limit > 100) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: 1..100)");
        }
        return limit;
    }

    private HttpAnswer ok(Object body) {
        try {
            return HttpAnswer.json(200, json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("dashboard JSON could not be written", e);
        }
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }
}
