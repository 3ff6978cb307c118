package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.proxy.HostPort;
import dev.strangler.proxy.backend.BackendGroup;
import dev.strangler.proxy.backend.Backends;
import dev.strangler.proxy.backend.Endpoint;
import io.github.resilience4j.bulkhead.Bulkhead;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /api/backends} part of the admin API: endpoint states, circuit and bulkhead of every
 * backend, replacing a backend's endpoints and draining one. Changes are audited with route
 * {@code backend:NAME} (details: the endpoint lists before and after, or the drained endpoint). They live in this proxy's memory only: a restart goes back to the config
 * (the control plane will carry them to every proxy).
 */
public final class BackendAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(BackendAdmin.class);

    private final Backends backends;
    private final AuditStore audit;
    private final Clock clock;
    private final ObjectMapper json;

    public BackendAdmin(Backends backends, AuditStore audit, Clock clock, ObjectMapper json) {
        this.backends = backends;
        this.audit = audit;
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

    /** {@code PUT /api/backends/{name}/endpoints} (admin worker thread: resolves host names). */
    public ObjectNode setEndpoints(String actor, String name, JsonNode body) {
        BackendGroup g = require(name);
        if (g.config().dns() != null) {
            throw new AdminException(409, "conflict", "backend '" + name + "' discovers its endpoints from DNS name "
                    + g.config().dns().name() + "; change the DNS records instead");
        }
        JsonNode list = body.get("endpoints");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw AdminException.badRequest("endpoints: " + (list == null ? "missing" : list)
                    + " (expected: a non-empty list of \"http://host:port\")");
        }
        List<HostPort> endpoints = new ArrayList<>();
        for (JsonNode e : list) {
            endpoints.add(parse(e, "endpoints[" + endpoints.size() + "]"));
        }
        List<String> before = g.endpoints().stream().map(Endpoint::key).toList();
        g.setEndpoints(endpoints);
        List<String> after = g.endpoints().stream().map(Endpoint::key).toList();
        LOG.info("backend {}: endpoints {} -> {} by {}", name, before, after, actor);
        ObjectNode details = json.createObjectNode();
        before.forEach(details.putArray("before")::add);
        after.forEach(details.putArray("after")::add);
        audit.append(new AuditEntry(clock.instant(), actor, "set-endpoints", "backend:" + name, 0, 0, reason(body),
                details));
        return json.createObjectNode().set("backend", backend(g));
    }

    /** {@code POST /api/backends/{name}/drain}. */
    public ObjectNode drain(String actor, String name, JsonNode body) {
        BackendGroup g = require(name);
        HostPort hp = parse(body.get("endpoint"), "endpoint");
        if (!g.drain(hp)) {
            throw AdminException.notFound("backend '" + name + "' has no endpoint " + hp + " (known: "
                    + String.join(", ", g.endpoints().stream().map(Endpoint::key).toList()) + ")");
        }
        audit.append(new AuditEntry(clock.instant(), actor, "drain-endpoint", "backend:" + name, 0, 0, reason(body),
                json.createObjectNode().put("endpoint", hp.toString())));
        return json.createObjectNode().set("backend", backend(g));
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
