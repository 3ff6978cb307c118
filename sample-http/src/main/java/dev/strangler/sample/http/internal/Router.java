package dev.strangler.sample.http.internal;

import dev.strangler.sample.http.Handler;
import dev.strangler.sample.http.HttpError;
import dev.strangler.sample.http.Routes;
import dev.strangler.sample.http.Routes.HttpRoute;
import dev.strangler.sample.http.Routes.WebSocketRoute;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Finds the route of a request; the most specific template wins. Immutable. */
final class Router {

    record Match(Handler handler, String template, Map<String, String> params) {
    }

    record WebSocketMatch(WebSocketRoute route, Map<String, String> params) {
    }

    private final List<HttpRoute> http;
    private final List<WebSocketRoute> webSockets;

    Router(Routes routes) {
        List<HttpRoute> h = new ArrayList<>(routes.httpRoutes());
        h.sort(Comparator.comparing(r -> r.template().specificityKey()));
        this.http = List.copyOf(h);
        List<WebSocketRoute> w = new ArrayList<>(routes.webSocketRoutes());
        w.sort(Comparator.comparing(r -> r.template().specificityKey()));
        this.webSockets = List.copyOf(w);
    }

    /** The matching route; 404 when no template matches, 405 when only the method is wrong. */
    Match match(String method, String path, List<String> segments) {
        TreeSet<String> allowed = new TreeSet<>();
        for (HttpRoute r : http) {
            Optional<Map<String, String>> params = r.template().match(segments);
            if (params.isEmpty()) {
                continue;
            }
            if (r.method().equals(method)) {
                return new Match(r.handler(), r.template().toString(), params.get());
            }
            allowed.add(r.method());
        }
        if (!allowed.isEmpty()) {
            throw new HttpError(405, "method_not_allowed", method + " " + path + ": method not allowed (expected: "
                    + String.join(", ", allowed) + ")");
        }
        throw new HttpError(404, "no_route", path + ": no such endpoint");
    }

    Optional<WebSocketMatch> matchWebSocket(List<String> segments) {
        for (WebSocketRoute r : webSockets) {
            Optional<Map<String, String>> params = r.template().match(segments);
            if (params.isPresent()) {
                return Optional.of(new WebSocketMatch(r, params.get()));
            }
        }
        return Optional.empty();
    }
}
