package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.proxy.backend.EndpointOverride;

/**
 * 409 on an endpoint change: the caller's {@code expectedVersion} is stale, or the endpoint to add
 * is there already. Carries the committed state so this proxy can catch up and the answer can show
 * the backend as it is now ({@link #backend}, set by {@link BackendAdmin}).
 */
public final class EndpointConflict extends AdminException {

    private final transient EndpointOverride current;
    private final String backendName;
    private transient ObjectNode backend;

    public EndpointConflict(String backendName, String message, EndpointOverride current) {
        super(409, "conflict", message);
        this.backendName = backendName;
        this.current = current;
    }

    public EndpointOverride current() {
        return current;
    }

    public String backendName() {
        return backendName;
    }

    /** The backend's JSON as served now, or null. */
    public ObjectNode backend() {
        return backend;
    }

    EndpointConflict withBackend(ObjectNode json) {
        this.backend = json;
        return this;
    }
}
