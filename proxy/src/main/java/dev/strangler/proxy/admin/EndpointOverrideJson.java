package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.proxy.HostPort;
import dev.strangler.proxy.backend.EndpointOverride;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code {"endpoints":["host:port",…],"draining":["host:port",…],"version":N}}: how an
 * {@link EndpointOverride} is kept in the state file and the control plane's {@code control_backend}.
 */
public final class EndpointOverrideJson {

    private EndpointOverrideJson() {
    }

    public static ObjectNode toJson(ObjectMapper json, EndpointOverride o) {
        ObjectNode n = json.createObjectNode();
        o.keys().forEach(n.putArray("endpoints")::add);
        o.draining().stream().sorted().forEach(n.putArray("draining")::add);
        n.put("version", o.version());
        return n;
    }

    /**
     * @param where names the source in the error (file and backend)
     * @throws IllegalArgumentException when {@code n} is not such an object
     */
    public static EndpointOverride fromJson(JsonNode n, String where) {
        List<HostPort> endpoints = new ArrayList<>();
        for (JsonNode e : n.path("endpoints")) {
            endpoints.add(HostPort.parse(e.asText()));
        }
        Set<String> draining = new LinkedHashSet<>();
        for (JsonNode e : n.path("draining")) {
            draining.add(e.asText());
        }
        long version = n.path("version").asLong(-1);
        if (endpoints.isEmpty() || version < 1) {
            throw new IllegalArgumentException(where + ": expected {\"endpoints\":[\"host:port\",…],\"version\":N≥1}");
        }
        return new EndpointOverride(endpoints, draining, version);
    }
}
