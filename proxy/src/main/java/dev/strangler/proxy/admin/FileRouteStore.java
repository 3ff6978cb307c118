package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.proxy.backend.EndpointOverride;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single proxy's store: weights in the state file, audit in {@code audit.jsonl}. Commits are
 * serialised by {@link RouteController}; the optimistic check compares with the table this proxy
 * serves, which is the only copy.
 */
public final class FileRouteStore implements RouteStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileRouteStore.class);

    private final RouteStateStore state;
    private final AuditLog audit;
    private final ObjectMapper json;
    /** Endpoint changes in force, by backend; guarded by this (the state file holds all of them). */
    private final Map<String, EndpointOverride> endpoints = new LinkedHashMap<>();
    private boolean endpointsLoaded;

    public FileRouteStore(RouteStateStore state, AuditLog audit, ObjectMapper json) {
        this.state = state;
        this.audit = audit;
        this.json = json;
    }

    @Override
    public synchronized Map<String, EndpointOverride> loadEndpoints() {
        endpoints.clear();
        endpoints.putAll(state.loadBackends());
        endpointsLoaded = true;
        endpoints.forEach((name, o) -> LOG.info("backend {}: endpoints {} (draining {}) from {}, version {}", name,
                o.keys(), o.draining(), state.file(), o.version()));
        return Map.copyOf(endpoints);
    }

    /** This proxy is the only copy: the check is against {@code current}, the state it serves. */
    @Override
    public synchronized EndpointCommit commitEndpoints(EndpointOverride current, EndpointChange change) {
        if (!endpointsLoaded) {
            endpoints.putAll(state.loadBackends()); // every backend's entry is rewritten below: know them all
            endpointsLoaded = true;
        }
        EndpointOverride after = change.applyTo(current);
        Map<String, EndpointOverride> next = new LinkedHashMap<>(endpoints);
        next.put(change.backend(), after);
        try {
            state.saveBackends(next);
            endpoints.put(change.backend(), after);
            return new EndpointCommit(after, audit.append(change.entry(current, after, json)));
        } catch (RuntimeException e) {
            LOG.error("endpoint change not persisted: {}", e.getMessage());
            throw new AdminException(500, "internal",
                    "change not persisted (" + e.getMessage() + "); check state.dir permissions");
        }
    }

    @Override
    public RouteTable load(List<Route> configured) {
        var saved = state.loadSaved();
        if (saved.isEmpty()) {
            return new RouteTable(1, configured);
        }
        var s = saved.get();
        RouteTable t = WeightOverlay.table(configured, s.tableVersion(), s.weights(), s.routeVersions(),
                state.file().toString());
        for (Route c : configured) {
            int w = t.route(c.id()).orElseThrow().weightBps();
            if (w != c.weightBps()) {
                LOG.info("route {}: weight {} bps from {} (config says {})", c.id(), w, state.file(), c.weightBps());
            }
        }
        return t;
    }

    @Override
    public Commit commit(RouteTable current, RouteChange change) {
        for (Map.Entry<String, Long> e : change.expectedVersions().entrySet()) {
            if (current.routeVersion(e.getKey()) != e.getValue()) {
                throw new VersionConflict(e.getKey(), e.getValue(), current);
            }
        }
        RouteTable after = current.withWeights(change.weights());
        List<AuditEntry> entries = new ArrayList<>();
        try {
            state.save(after);
            for (String id : change.weights().keySet()) {
                entries.add(audit.append(change.entry(id, current.route(id).orElseThrow().weightBps())));
            }
        } catch (RuntimeException e) {
            LOG.error("route change not persisted: {}", e.getMessage());
            throw new AdminException(500, "internal",
                    "change not persisted (" + e.getMessage() + "); check state.dir permissions");
        }
        return new Commit(after, entries);
    }

    @Override
    public AuditStore audit() {
        return audit;
    }
}
