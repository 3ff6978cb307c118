package dev.strangler.proxy.admin;

import dev.strangler.proxy.backend.EndpointOverride;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteTable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the mutable part of the route table (weights, per-route versions) is committed: the state
 * file of a single proxy ({@link FileRouteStore}) or a PostgreSQL control plane shared by a fleet.
 * {@link RouteController} only talks to this interface: it validates a change, commits it here and
 * swaps in the table the store returns. Route definitions (match, backends) always come from YAML.
 *
 * <p>{@link #commit} blocks (file or database I/O): call it off the event loops.
 */
public interface RouteStore extends AutoCloseable {

    /** The table to serve at start, built on {@code configured} (the YAML routes, in match order). */
    RouteTable load(List<Route> configured);

    /**
     * Commits {@code change} atomically on top of {@code current} (the table this proxy serves) and
     * records its audit entries in the same step.
     *
     * @throws VersionConflict when an expected route version no longer matches (409)
     * @throws AdminException  503 when the store cannot be reached: nothing was changed anywhere
     */
    Commit commit(RouteTable current, RouteChange change);

    /**
     * Tables that change outside this proxy (another proxy's commit, a reconnect) are handed to
     * {@code sink}. The file store has none and ignores it.
     */
    default void follow(TableSink sink) {
    }

    /**
     * Endpoint changes committed earlier, by backend name, to apply at start (after {@link #load}:
     * with a control plane they come from the same read, or from its disk cache).
     */
    Map<String, EndpointOverride> loadEndpoints();

    /**
     * Commits an endpoint change and its audit entry atomically, on top of the committed state of
     * the backend ({@code current}, this proxy's, when the store has none yet). Blocks.
     *
     * @throws EndpointConflict on a stale {@code expectedVersion} (409 with the committed state)
     * @throws AdminException   400/404 for a change that does not fit, 503 when the store cannot be reached
     */
    EndpointCommit commitEndpoints(EndpointOverride current, EndpointChange change);

    /**
     * Endpoint changes committed outside this proxy (another proxy, or a reconnect's full re-read:
     * every backend's committed state) are handed to {@code sink}. Call before {@link #follow}. The
     * file store has none and ignores it.
     */
    default void followEndpoints(Consumer<Map<String, EndpointOverride>> sink) {
    }

    /** A committed endpoint change: the backend's endpoints now and the audit entry written. */
    record EndpointCommit(EndpointOverride override, AuditEntry entry) {
    }

    /** The audit log kept alongside the weights. */
    AuditStore audit();

    /** {@code connected} or {@code degraded} with a control plane; empty for the file store. */
    default Optional<ControlPlaneStatus> controlPlane() {
        return Optional.empty();
    }

    @Override
    default void close() {
    }

    /** Receives tables committed outside this proxy; {@link RouteController} is one. */
    interface TableSink {
        /** The table served now. */
        RouteTable current();

        /** Swaps {@code t} in if it is newer than the table served; returns whether it did. */
        boolean offer(RouteTable t);

        /** Swaps {@code t} in whatever its version (full re-read after a reconnect). */
        void replace(RouteTable t);
    }

    /** A committed change: the table to serve now and the audit entries written for it. */
    record Commit(RouteTable table, List<AuditEntry> entries) {
        public Commit {
            entries = List.copyOf(entries);
        }
    }

    /**
     * Health of the control-plane connection, for {@code /readyz}.
     *
     * @param state  {@code connected} or {@code degraded}
     * @param detail one line for operators ("" when connected)
     */
    record ControlPlaneStatus(String state, String detail) {
    }
}
