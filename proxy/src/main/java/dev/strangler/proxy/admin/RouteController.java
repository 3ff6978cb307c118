package dev.strangler.proxy.admin;

import dev.strangler.proxy.internal.WebSocketSessions;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteTable;
import java.time.Clock;
import java.util.ArrayList;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of the live route table. Each change builds a new immutable table and swaps it in
 * at once (new requests see it immediately, in-flight ones finish on their snapshot), then persists
 * the weights and appends to the audit log. Changes are serialised; called off the event loops.
 */
public final class RouteController {

    private static final Logger LOG = LoggerFactory.getLogger(RouteController.class);
    /** Actions a tool may append through {@link #record}: lower-case words joined by dashes. */
    static final Pattern TOOL_ACTION = Pattern.compile("[a-z][a-z0-9-]{1,40}");
    /** Actions only the proxy itself writes; a tool claiming one would forge a weight change. */
    static final Set<String> PROXY_ACTIONS = Set.of("set-weight", "rollback", "rollback-all", "auto-rollback");

    private final AtomicReference<RouteTable> table;
    private final RouteStateStore store;
    private final AuditLog audit;
    private final WebSocketSessions webSockets;
    private final Clock clock;

    public RouteController(AtomicReference<RouteTable> table, RouteStateStore store, AuditLog audit,
                           WebSocketSessions webSockets, Clock clock) {
        this.table = table;
        this.store = store;
        this.audit = audit;
        this.webSockets = webSockets;
        this.clock = clock;
    }

    /** The table requests use right now. */
    public RouteTable current() {
        return table.get();
    }

    public AuditLog audit() {
        return audit;
    }

    /** Result of a weight change. */
    public record WeightChange(Route route, int previousWeightBps, long version) {
    }

    /** One route a rollback set to 0. */
    public record RolledBack(String id, int previousWeightBps) {
    }

    /** Result of a rollback. */
    public record RollbackResult(List<RolledBack> rolledBack, int closedWebSockets, long version) {
    }

    /** Sets one route's weight. */
    public synchronized WeightChange setWeight(String actor, String id, int weightBps, String reason) {
        RouteTable before = table.get();
        Route route = require(before, id);
        if (weightBps < 0 || weightBps > Route.MAX_WEIGHT_BPS) {
            throw AdminException.badRequest("weightBps: " + weightBps + " (expected: 0..10000)");
        }
        if (weightBps > 0 && route.target() == null) {
            throw AdminException.badRequest("route '" + id + "' has no target backend; only weightBps 0 is allowed");
        }
        RouteTable after = before.withWeight(id, weightBps);
        table.set(after);
        LOG.info("route {}: weight {} -> {} bps by {} (table version {})", id, route.weightBps(), weightBps, actor,
                after.version());
        persist(after, List.of(new AuditEntry(clock.instant(), actor, "set-weight", id, route.weightBps(), weightBps, reason)));
        return new WeightChange(after.route(id).orElseThrow(), route.weightBps(), after.version());
    }

    /**
     * Appends an entry a tool wrote (a ramp's step, a gate failure) for route {@code id}, with the
     * route's current weight as before and after. Serialised with weight changes, so the weight it
     * records is the one in force when the entry was appended.
     */
    public synchronized AuditEntry record(String actor, String action, String id, String reason, ObjectNode details) {
        if (action == null || !TOOL_ACTION.matcher(action).matches()) {
            throw AdminException.badRequest("action: " + (action == null ? "missing" : "'" + action + "'")
                    + " (expected: lower-case letters, digits and '-', 2..41 chars, e.g. ramp-step)");
        }
        if (PROXY_ACTIONS.contains(action)) {
            throw AdminException.badRequest("action: '" + action + "' is written by the proxy itself (expected: a tool's"
                    + " own action such as ramp-step; change weights with PUT /api/routes/{id}/weight)");
        }
        Route route = require(table.get(), id);
        try {
            return audit.append(new AuditEntry(clock.instant(), actor, action, id, route.weightBps(), route.weightBps(),
                    reason, details));
        } catch (RuntimeException e) {
            LOG.error("cannot append audit entry: {}", e.getMessage());
            throw new AdminException(500, "internal", "audit entry not written (" + e.getMessage()
                    + "); check state.dir permissions");
        }
    }

    /**
     * Sets weight 0 on one route ({@code id}) or on every route with a target ({@code id == null});
     * with {@code force}, also closes open WebSockets on those routes' targets.
     */
    public synchronized RollbackResult rollback(String actor, String id, String reason, boolean force) {
        RouteTable before = table.get();
        List<Route> affected = new ArrayList<>();
        if (id != null) {
            affected.add(require(before, id));
        } else {
            before.routes().stream().filter(r -> r.target() != null).forEach(affected::add);
        }
        List<String> ids = affected.stream().map(Route::id).toList();
        RouteTable after = before.map(r -> ids.contains(r.id()) ? r.withWeight(0) : r);
        table.set(after);
        int closed = 0;
        if (force) {
            for (Route r : affected) {
                closed += webSockets.closeAll(r.id(), r.target());
            }
        }
        String action = id == null ? "rollback-all" : "rollback";
        LOG.warn("{} by {}: routes {} now at 0 bps, {} WebSockets closed (table version {})", action, actor, ids, closed,
                after.version());
        List<AuditEntry> entries = new ArrayList<>();
        List<RolledBack> rolled = new ArrayList<>();
        for (Route r : affected) {
            entries.add(new AuditEntry(clock.instant(), actor, action, r.id(), r.weightBps(), 0, reason));
            rolled.add(new RolledBack(r.id(), r.weightBps()));
        }
        persist(after, entries);
        return new RollbackResult(rolled, closed, after.version());
    }

    private void persist(RouteTable after, List<AuditEntry> entries) {
        try {
            store.save(after);
            for (AuditEntry e : entries) {
                audit.append(e);
            }
        } catch (RuntimeException e) {
            LOG.error("route change applied but not persisted: {}", e.getMessage());
            throw new AdminException(500, "internal",
                    "change applied in memory but not persisted (" + e.getMessage() + "); check state.dir permissions");
        }
    }

    private static Route require(RouteTable t, String id) {
        return t.route(id).orElseThrow(() -> AdminException.notFound(
                "route '" + id + "' not found (known: " + String.join(", ", t.ids()) + ")"));
    }
}
