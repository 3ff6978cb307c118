package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.proxy.HostPort;
import dev.strangler.proxy.backend.EndpointOverride;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One endpoint change asked through the admin API, applied by a store to the committed state
 * ({@link #applyTo}): deltas (add, remove, drain) are computed on what is committed, under the
 * store's serialisation, so two operators changing the same backend never lose each other's change.
 * An {@code expectedVersion} makes any of them conditional (409 when it moved on).
 *
 * @param expectedVersion the backend's {@code endpointsVersion} the caller saw, or null for "any"
 */
public record EndpointChange(String backend, Op op, List<HostPort> endpoints, Long expectedVersion, String actor,
                             String reason, Instant time) {

    /** What the change does; {@link #action} is its audit action. */
    public enum Op {
        SET("set-endpoints"), ADD("add-endpoint"), REMOVE("remove-endpoint"), DRAIN("drain-endpoint");

        private final String action;

        Op(String action) {
            this.action = action;
        }

        public String action() {
            return action;
        }
    }

    public EndpointChange {
        endpoints = List.copyOf(endpoints);
    }

    /** The audit route of a backend's changes. */
    public String auditRoute() {
        return "backend:" + backend;
    }

    /**
     * The backend's endpoints after this change on top of {@code current} (the committed state).
     *
     * @throws EndpointConflict when {@code expectedVersion} is not {@code current}'s version, or the
     *                          endpoint to add is there already
     * @throws AdminException   404 when the endpoint to remove or drain is not there, 400 when the
     *                          change would leave no endpoint
     */
    public EndpointOverride applyTo(EndpointOverride current) {
        if (expectedVersion != null && expectedVersion != current.version()) {
            throw new EndpointConflict(backend, "backend '" + backend + "' endpoints are at version " + current.version()
                    + ", not " + expectedVersion + " (someone changed them first; read them again and retry)", current);
        }
        List<HostPort> list = new ArrayList<>(current.endpoints());
        Set<String> draining = new LinkedHashSet<>(current.draining());
        HostPort one = endpoints.isEmpty() ? null : endpoints.get(0);
        switch (op) {
            case SET -> {
                list = new ArrayList<>(new LinkedHashSet<>(endpoints));
                draining.clear(); // a listed endpoint is wanted: a draining one comes back fresh
            }
            case ADD -> {
                if (list.contains(one) && !draining.contains(one.toString())) {
                    throw new EndpointConflict(backend, "backend '" + backend + "' already has endpoint " + one, current);
                }
                if (!list.contains(one)) {
                    list.add(one);
                }
                draining.remove(one.toString()); // adding a draining endpoint takes it back into service
            }
            case REMOVE -> {
                requirePresent(current, one);
                if (list.size() == 1) {
                    throw AdminException.badRequest("backend '" + backend + "': " + one + " is its only endpoint;"
                            + " add another first, or PUT a new list");
                }
                list.remove(one);
                draining.remove(one.toString());
            }
            case DRAIN -> {
                requirePresent(current, one);
                draining.add(one.toString());
            }
            default -> throw new IllegalStateException("op " + op);
        }
        return new EndpointOverride(list, draining, current.version() + 1);
    }

    private void requirePresent(EndpointOverride current, HostPort e) {
        if (!current.has(e)) {
            throw AdminException.notFound("backend '" + backend + "' has no endpoint " + e + " (known: "
                    + String.join(", ", current.keys()) + ")");
        }
    }

    /** The audit entry of this change (weights 0: it changes no route). */
    public AuditEntry entry(EndpointOverride before, EndpointOverride after, ObjectMapper json) {
        ObjectNode details = json.createObjectNode();
        if (op != Op.SET) {
            details.put("endpoint", endpoints.get(0).toString());
        }
        before.keys().forEach(details.putArray("before")::add);
        after.keys().forEach(details.putArray("after")::add);
        after.draining().stream().sorted().forEach(details.putArray("draining")::add);
        details.put("version", after.version());
        return new AuditEntry(time, actor, op.action(), auditRoute(), 0, 0, reason, details);
    }
}
