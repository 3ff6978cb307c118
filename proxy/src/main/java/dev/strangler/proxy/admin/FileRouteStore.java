package dev.strangler.proxy.admin;

import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteTable;
import java.util.ArrayList;
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

    public FileRouteStore(RouteStateStore state, AuditLog audit) {
        this.state = state;
        this.audit = audit;
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
