package dev.strangler.sample.http;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The routes of one server: method + path template ({@code /patients/{id}}) → handler, and
 * path template → WebSocket acceptor. A literal segment wins over a {@code {param}} segment at
 * the same position, so {@code /appointments/slots} and {@code /appointments/{id}} coexist.
 */
public final class Routes {

    /** One HTTP route. */
    public record HttpRoute(String method, PathTemplate template, Handler handler) {
    }

    /** One WebSocket route (GET with {@code Upgrade: websocket}). */
    public record WebSocketRoute(PathTemplate template, WebSocketAcceptor acceptor) {
    }

    private final List<HttpRoute> http = new ArrayList<>();
    private final List<WebSocketRoute> webSockets = new ArrayList<>();

    public Routes get(String template, Handler handler) {
        return add("GET", template, handler);
    }

    public Routes post(String template, Handler handler) {
        return add("POST", template, handler);
    }

    public Routes put(String template, Handler handler) {
        return add("PUT", template, handler);
    }

    public Routes delete(String template, Handler handler) {
        return add("DELETE", template, handler);
    }

    /** Adds a route; a second route with the same method and template is a programming error. */
    public Routes add(String method, String template, Handler handler) {
        PathTemplate t = PathTemplate.parse(template);
        for (HttpRoute r : http) {
            if (r.method().equals(method) && r.template().sameShape(t)) {
                throw new IllegalArgumentException("route " + method + " " + template + " clashes with "
                        + r.method() + " " + r.template());
            }
        }
        http.add(new HttpRoute(requireNonNull(method, "method"), t, requireNonNull(handler, "handler")));
        return this;
    }

    /** A WebSocket endpoint at {@code template}. */
    public Routes webSocket(String template, WebSocketAcceptor acceptor) {
        webSockets.add(new WebSocketRoute(PathTemplate.parse(template), requireNonNull(acceptor, "acceptor")));
        return this;
    }

    /** Adds every route of {@code other} (apps compose their services' routes). */
    public Routes include(Routes other) {
        other.http.forEach(r -> add(r.method(), r.template().toString(), r.handler()));
        webSockets.addAll(other.webSockets);
        return this;
    }

    public List<HttpRoute> httpRoutes() {
        return List.copyOf(http);
    }

    public List<WebSocketRoute> webSocketRoutes() {
        return List.copyOf(webSockets);
    }
}
