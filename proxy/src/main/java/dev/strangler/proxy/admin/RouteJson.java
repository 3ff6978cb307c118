package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import dev.strangler.proxy.routing.RouteTable;
import java.util.Map;
import java.util.TreeSet;

/** JSON shapes of routes in the admin API (see docs/admin-api.md: ROUTE). */
final class RouteJson {

    private final ObjectMapper json;

    RouteJson(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode table(RouteTable t) {
        ObjectNode n = json.createObjectNode();
        n.put("version", t.version());
        ArrayNode routes = n.putArray("routes");
        for (Route r : t.routes()) {
            routes.add(route(r, t.routeVersion(r.id())));
        }
        return n;
    }

    /** @param version the route's version (for {@code expectedVersion}) */
    ObjectNode route(Route r, long version) {
        ObjectNode n = json.createObjectNode();
        n.put("id", r.id());
        n.put("version", version);
        RouteMatch m = r.match();
        ObjectNode match = n.putObject("match");
        match.put("pathPrefix", m.pathPrefix());
        match.put("pathPattern", m.pathPattern() == null ? null : m.pathPattern().pattern());
        ArrayNode methods = match.putArray("methods");
        new TreeSet<>(m.methods()).forEach(methods::add);
        ObjectNode headers = match.putObject("headers");
        for (Map.Entry<String, String> e : m.headers().entrySet()) {
            headers.put(e.getKey(), e.getValue());
        }
        n.put("legacy", r.legacy());
        n.put("target", r.target());
        n.put("weightBps", r.weightBps());
        if (r.sticky() == null) {
            n.putNull("sticky");
        } else {
            n.putObject("sticky").put(r.sticky().key(), r.sticky().name());
        }
        if (r.rewrite() == null) {
            n.putNull("rewrite");
        } else {
            n.putObject("rewrite").put("prefix", r.rewrite().prefix()).put("replacement", r.rewrite().replacement());
        }
        return n;
    }
}
