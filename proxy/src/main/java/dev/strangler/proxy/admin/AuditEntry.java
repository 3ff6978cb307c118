package dev.strangler.proxy.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One audited change or event: who, when, what, before, after, why, and structured details.
 *
 * @param seq          position in the log, 1, 2, 3… in append order; 0 for an entry not yet appended
 *                     (the log assigns it, see {@link AuditLog#append})
 * @param time         when the change took effect
 * @param actor        admin token name that made it
 * @param action       {@code set-weight}, {@code rollback}, {@code rollback-all}, or an action a tool
 *                     appended through {@code POST /api/audit} (e.g. {@code ramp-step})
 * @param route        route id
 * @param beforeWeight weight before, in basis points
 * @param afterWeight  weight after, in basis points
 * @param reason       operator's reason, "" when none was given
 * @param details      structured figures (a ramp's plan and gate values, a guard's window); {@code {}}
 *                     when none, never null. Treated as immutable once the entry is built.
 */
public record AuditEntry(long seq, Instant time, String actor, String action, String route, int beforeWeight,
                         int afterWeight, String reason, ObjectNode details) {

    public AuditEntry {
        if (seq < 0) {
            throw new IllegalArgumentException("seq: " + seq + " (expected: >= 0)");
        }
        requireNonNull(time, "time");
        requireNonNull(actor, "actor");
        requireNonNull(action, "action");
        requireNonNull(route, "route");
        reason = reason == null ? "" : reason;
        details = details == null ? JsonNodeFactory.instance.objectNode() : details;
    }

    /** An entry without details, not yet appended (seq 0). */
    public AuditEntry(Instant time, String actor, String action, String route, int beforeWeight, int afterWeight,
                      String reason) {
        this(0, time, actor, action, route, beforeWeight, afterWeight, reason, null);
    }

    /** An entry with details, not yet appended (seq 0). */
    public AuditEntry(Instant time, String actor, String action, String route, int beforeWeight, int afterWeight,
                      String reason, ObjectNode details) {
        this(0, time, actor, action, route, beforeWeight, afterWeight, reason, details);
    }

    /** This entry at position {@code seq} of the log. */
    public AuditEntry withSeq(long seq) {
        return new AuditEntry(seq, time, actor, action, route, beforeWeight, afterWeight, reason, details);
    }
}
