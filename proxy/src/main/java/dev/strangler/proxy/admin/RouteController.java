package dev.strangler.proxy.admin;

import dev.strangler.proxy.internal.WebSocketSessions;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteTable;
import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.ArrayList;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of the live route table. A change is validated against the routes this proxy
 * knows, committed to the {@link RouteStore} (state file, or the control-plane database shared by a
 * fleet) together with its audit entries, and only then swapped in: new requests see it at once,
 * in-flight ones finish on their snapshot. A change the store refuses (409, 503) changes nothing.
 * Local changes are serialised; called off the event loops.
 *
 * <p>Tables committed elsewhere (another proxy, via the control plane) arrive through
 * {@link #offer(RouteTable)}.
 */
public final class RouteController implements RouteStore.TableSink {

    private static final Logger LOG = LoggerFactory.getLogger(RouteController.class);
    /** Actions a tool may append through {@link #record}: lower-case words joined by dashes. */
    static final Pattern TOOL_ACTION = Pattern.compile("[a-z][a-z0-9-]{1,40}");
    /** Actions only the proxy itself writes; a tool claiming one would forge a weight change. */
    static final Set<String> PROXY_ACTIONS = Set.of("set-weight", "rollback", "rollback-all", "auto-rollback",
            "set-endpoints", "drain-endpoint");

    private final AtomicReference<RouteTable> table;
    private final RouteStore store;
    private final WebSocketSessions webSockets;
    private final Clock clock;

    public RouteController(AtomicReference<RouteTable> table, RouteStore store, WebSocketSessions webSockets,
                           Clock clock) {
        this.table = table;
        this.store = store;
        this.webSockets = webSockets;
        this.clock = clock;
    }

    /** The table requests use right now. */
    @Override
    public RouteTable current() {
        return table.get();
    }

    public AuditStore audit() {
        return store.audit();
    }

    /** Control-plane health for {@code /readyz}; empty without a control plane. */
    public Optional<RouteStore.ControlPlaneStatus> controlPlane() {
        return store.controlPlane();
    }

    /** Result of a weight change. */
    public record WeightChange(Route route, int previousWeightBps, long version, long routeVersion) {
    }

    /** One route a rollback set to 0. */
    public record RolledBack(String id, int previousWeightBps) {
    }

    /** Result of a rollback. */
    public record RollbackResult(List<RolledBack> rolledBack, int closedWebSockets, long version) {
    }

    /** Sets one route's weight, whatever its current version. */
    public WeightChange setWeight(String actor, String id, int weightBps, String reason) {
        return setWeight(actor, id, weightBps, reason, null);
    }

    /**
     * Sets one route's weight.
     *
     * @param expectedVersion the route version the caller read, or null to skip the check
     * @throws VersionConflict when the route is no longer at {@code expectedVersion}
     */
    public synchronized WeightChange setWeight(String actor, String id, int weightBps, String reason,
                                               Long expectedVersion) {
        Route route = require(table.get(), id);
        if (weightBps < 0 || weightBps > Route.MAX_WEIGHT_BPS) {
            throw AdminException.badRequest("weightBps: " + weightBps + " (expected: 0..10000)");
        }
        if (weightBps > 0 && route.target() == null) {
            throw AdminException.badRequest("route '" + id + "' has no target backend; only weightBps 0 is allowed");
        }
        RouteChange change = new RouteChange(actor, "set-weight", reason, clock.instant(), Map.of(id, weightBps),
                expectedVersion == null ? Map.of() : Map.of(id, expectedVersion));
        RouteStore.Commit c = commit(change);
        AuditEntry e = c.entries().get(0);
        LOG.info("route {}: weight {} -> {} bps by {} (table version {})", id, e.beforeWeight(), weightBps, actor,
                c.table().version());
        return new WeightChange(c.table().route(id).orElseThrow(), e.beforeWeight(), c.table().version(),
                c.table().routeVersion(id));
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
            return store.audit().append(new AuditEntry(clock.instant(), actor, action, id, route.weightBps(),
                    route.weightBps(), reason, details));
        } catch (AdminException e) {
            throw e; // e.g. 503: the control plane is unreachable
        } catch (RuntimeException e) {
            LOG.error("cannot append audit entry: {}", e.getMessage());
            throw new AdminException(500, "internal", "audit entry not written (" + e.getMessage()
                    + "); check state.dir permissions");
        }
    }

    /**
     * Sets weight 0 on one route ({@code id}) or on every route with a target ({@code id == null}),
     * in one commit; with {@code force}, also closes open WebSockets on those routes' targets.
     */
    public synchronized RollbackResult rollback(String actor, String id, String reason, boolean force) {
        return rollback(actor, id, reason, force, id == null ? "rollback-all" : "rollback", null);
    }

    /**
     * The guard's rollback of one route: weight 0, audited as {@code auto-rollback} by actor
     * {@code guard}, with {@code reason} and the window's figures as {@code details}. Open WebSockets
     * are left alone.
     */
    public synchronized RollbackResult autoRollback(String id, String reason, ObjectNode details) {
        return rollback("guard", requireNonNull(id, "id"), reason, false, "auto-rollback", details);
    }

    private RollbackResult rollback(String actor, String id, String reason, boolean force, String action,
                                    ObjectNode details) {
        RouteTable before = table.get();
        List<Route> affected = new ArrayList<>();
        if (id != null) {
            affected.add(require(before, id));
        } else {
            before.routes().stream().filter(r -> r.target() != null).forEach(affected::add);
        }
        Map<String, Integer> zero = new LinkedHashMap<>();
        affected.forEach(r -> zero.put(r.id(), 0));
        List<RolledBack> rolled = new ArrayList<>();
        long version = before.version();
        if (!zero.isEmpty()) {
            RouteStore.Commit c = commit(new RouteChange(actor, action, reason, clock.instant(), zero, Map.of(), details));
            c.entries().forEach(e -> rolled.add(new RolledBack(e.route(), e.beforeWeight())));
            version = c.table().version();
        }
        int closed = 0;
        if (force) {
            for (Route r : affected) {
                closed += webSockets.closeAll(r.id(), r.target());
            }
        }
        LOG.warn("{} by {}: routes {} now at 0 bps, {} WebSockets closed (table version {})", action, actor,
                zero.keySet(), closed, version);
        return new RollbackResult(rolled, closed, version);
    }

    /**
     * A table committed elsewhere (control plane). Swapped in when it is newer than the one served,
     * so a late notification can never undo a later change.
     *
     * @return whether it was swapped in
     */
    @Override
    public boolean offer(RouteTable next) {
        RouteTable prev = table.getAndUpdate(cur -> next.version() > cur.version() ? next : cur);
        return next.version() > prev.version();
    }

    /**
     * Replaces the table whatever its version: the control plane's full re-read after a (re)connect is
     * the truth, even if the database was restored from an older backup.
     */
    @Override
    public void replace(RouteTable next) {
        table.set(next);
    }

    private RouteStore.Commit commit(RouteChange change) {
        RouteStore.Commit c = store.commit(table.get(), change);
        offer(c.table());
        return c;
    }

    private static Route require(RouteTable t, String id) {
        return t.route(id).orElseThrow(() -> AdminException.notFound(
                "route '" + id + "' not found (known: " + String.join(", ", t.ids()) + ")"));
    }
}
