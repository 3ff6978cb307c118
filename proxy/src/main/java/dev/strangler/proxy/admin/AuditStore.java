package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The audit log: {@link AuditLog} (one JSON line per entry on local disk) or the control plane's
 * table. Entries of a route change are written by {@link RouteStore#commit} together with it;
 * entries tools add ({@code POST /api/audit}) go through {@link #append}. Blocking: call off the
 * event loops.
 */
public interface AuditStore {

    /** Appends one entry and returns it with its {@code seq}. */
    AuditEntry append(AuditEntry e);

    /** The newest {@code q.limit()} entries that match {@code q}'s filters, oldest first. */
    List<AuditEntry> query(AuditQuery q);

    /** The newest {@code limit} entries, oldest first. */
    default List<AuditEntry> tail(int limit) {
        return query(AuditQuery.newest(limit));
    }

    /** The JSON shape of the admin API's audit ENTRY. */
    ObjectNode toJson(AuditEntry e);
}
