package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The audit log: {@link AuditLog} (one JSON line per entry on local disk) or the control plane's
 * table. Entries of a route change are written by {@link RouteStore#commit} together with it; this
 * interface reads them back. Blocking: call off the event loops.
 */
public interface AuditStore {

    /** The newest {@code limit} entries, oldest first. */
    List<AuditEntry> tail(int limit);

    /** The JSON shape of the admin API's audit ENTRY. */
    ObjectNode toJson(AuditEntry e);
}
