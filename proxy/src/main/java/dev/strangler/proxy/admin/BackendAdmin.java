package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.proxy.HostPort;
import dev.strangler.proxy.backend.BackendGroup;
import dev.strangler.proxy.backend.Backends;
import dev.strangler.proxy.backend.Endpoint;
import dev.strangler.proxy.backend.EndpointOverride;
import io.github.resilience4j.bulkhead.Bulkhead;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /api/backends} part of the admin API: endpoint states, circuit and bulkhead of every
 * backend, and run-time endpoint changes (replace the list, add, remove, drain). A change is
 * committed to the {@link RouteStore} first (the state file of a single proxy, or the control
 * plane, which pushes it to every proxy of the fleet) with its audit entry (route {@code backend:NAME},
 * details: endpoint lists before and after), then applied here; so it survives a restart. Backends
 * that discover their endpoints from DNS cannot be edited by hand (400).
 */
public final class BackendAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(BackendAdmin.class);

    private final Backends backends;
    private final RouteStore store;
    private final Clock clock;
    private final ObjectMapper json;

    public BackendAdmin(Backends backends, RouteStore store, Clock clock, ObjectMapper json) {
        this.backends = backends;
        this.store = store;
        this.clock = clock;
        this.json = json;
    }

    /** {@code GET /api/backends}. */
    public ObjectNode list() {
        ObjectNode n = json.createObjectNode();
        ArrayNode arr = n.putArray("backends");
        for (BackendGroup g : backends.all()) {
            arr.add(backend(g));
        }
        return n;
    }

    /** One backend's JSON. */
    public ObjectNode backend(BackendGroup g) {
        ObjectNode b = json.createObjectNode();
        b.put("name", g.name());
        b.put("balance", g.config().balance().key());
        if (g.config().dns() != null) {
            b.putObject("dns").put("name", g.config().dns().name()).put("port", g.config().dns().port())
                    .put("refresh", g.config().dns().refresh().toString());
        }
        EndpointOverride o = g.override();
        if (o != null) {
            b.put("endpointsVersion", o.version());
        }
        ArrayNode eps = b.putArray("endpoints");
        long now = System.nanoTime();
        for (Endpoint e : g.endpoints()) {
            eps.addObject().put("address", e.key()).put("state", e.state(now).key())
                    .put("outstanding", e.outstanding()).put("ejections", e.ejections());
        }
        b.put("circuit", g.circuitState());
        Bulkhead bh = g.bulkhead();
        int max = bh.getBulkheadConfig().getMaxConcurrentCalls();
        b.putObject("bulkhead").put("max", max).put("inUse", max - bh.getMetrics().getAvailableConcurrentCalls());
        return b;
    }

    /** {@code PUT /api/backends/{name}/endpoints} (admin worker thread: blocks on the store and DNS). */
    public ObjectNode setEndpoints(String actor, String name, JsonNode body) {
        requireEditable(name);
        JsonNode list = body.get("endpoints");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw AdminException.badRequest("endpoints: " + (list == null ? "missing" : list)
                    + " (expected: a non-empty list of \"http://host:port\")");
        }
        List<HostPort> endpoints = new ArrayList<>();
        for (JsonNode e : list) {
            endpoints.add(parse(e, "endpoints[" + endpoints.size() + "]"));
        }
        return change(actor, name, EndpointChange.Op.SET, endpoints, body);
    }

    /**
     * {@code POST /api/backends/{name}/drain}, {@code …/add} and {@code …/remove} with
     * {@code {"endpoint": "http://host:port"}}.
     */
    public ObjectNode change(String actor, String name, EndpointChange.Op op, JsonNode body) {
        requireEditable(name);
        return change(actor, name, op, List.of(parse(body.get("endpoint"), "endpoint")), body);
    }

    private ObjectNode change(String actor, String name, EndpointChange.Op op, List<HostPort> endpoints, JsonNode body) {
        BackendGroup g = requireEditable(name);
        EndpointChange change = new EndpointChange(name, op, endpoints, expectedVersion(body), actor, reason(body),
                clock.instant());
        RouteStore.EndpointCommit commit;
        try {
            commit = store.commitEndpoints(g.override(), change);
        } catch (EndpointConflict c) {
            backends.applyOverrides(Map.of(name, c.current())); // catch up with what is committed
            throw c.withBackend(backend(g));
        }
        List<String> before = g.endpoints().stream().map(Endpoint::key).toList();
        backends.applyOverrides(Map.of(name, commit.override()));
        LOG.info("backend {}: {} {} -> {} by {}", name, op.action(), before, commit.override().keys(), actor);
        return json.createObjectNode().set("backend", backend(g));
    }

    /** The backend, if its endpoints may be changed by hand (400 for a DNS backend, 404 for an unknown one). */
    private BackendGroup requireEditable(String name) {
        BackendGroup g = require(name);
        if (g.config().dns() != null) {
            throw AdminException.badRequest("backend '" + name + "' discovers its endpoints from DNS name "
                    + g.config().dns().name() + " (backends." + name + ".dns): its endpoints cannot be changed by hand;"
                    + " change the DNS records (or the ECS service) instead");
        }
        return g;
    }

    private static Long expectedVersion(JsonNode body) {
        JsonNode v = body.get("expectedVersion");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw AdminException.badRequest("expectedVersion: " + v + " (expected: the backend's endpointsVersion,"
                    + " an integer ≥ 0, from GET /api/backends)");
        }
        return v.asLong();
    }

    private BackendGroup require(String name) {
        BackendGroup g = backends.get(name);
        if (g == null) {
            throw AdminException.notFound("backend '" + name + "' not found (known: "
                    + String.join(", ", backends.all().stream().map(BackendGroup::name).toList()) + ")");
        }
        return g;
    }

    private static HostPort parse(JsonNode n, String at) {
        String text = n == null || n.isNull() ? null : n.asText();
        try {
            URI uri = URI.create(text == null ? "" : text.trim());
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0
                    || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
                throw new IllegalArgumentException("bad");
            }
            return new HostPort(uri.getHost(), uri.getPort());
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest(at + ": " + (text == null ? "missing" : "'" + text + "'")
                    + " (expected: \"http://host:port\")");
        }
    }

    private static String reason(JsonNode body) {
        JsonNode r = body.get("reason");
        return r == null || r.isNull() ? "" : r.asText();
    }
}
