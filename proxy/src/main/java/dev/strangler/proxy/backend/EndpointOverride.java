package dev.strangler.proxy.backend;

import dev.strangler.proxy.HostPort;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A backend's endpoints as changed at run time through the admin API (they replace the config's
 * list): the endpoints and which of them are draining, at a version that grows by one per change.
 * Version 0 is the config's list, never changed. Kept in the control plane (fleet) or the state
 * file (single proxy), so a change survives a restart and reaches every proxy.
 *
 * @param endpoints host:port, in order, no duplicates
 * @param draining  keys ({@link HostPort#toString()}) of endpoints that get no new requests
 * @param version   0 for the config's list, then + 1 per change
 */
public record EndpointOverride(List<HostPort> endpoints, Set<String> draining, long version) {

    public EndpointOverride {
        endpoints = List.copyOf(endpoints);
        draining = Set.copyOf(new LinkedHashSet<>(draining));
    }

    /** The config's endpoints, never changed. */
    public static EndpointOverride configured(List<HostPort> endpoints) {
        return new EndpointOverride(endpoints, Set.of(), 0);
    }

    /** Keys of the endpoints, in order. */
    public List<String> keys() {
        return endpoints.stream().map(HostPort::toString).toList();
    }

    public boolean has(HostPort e) {
        return endpoints.contains(e);
    }
}
