package dev.strangler.proxy.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One change of route weights, as asked for: committed as a whole or not at all.
 *
 * @param actor            admin token name
 * @param action           audit action ({@code set-weight}, {@code rollback}, {@code rollback-all})
 * @param reason           operator's reason ("" when none)
 * @param time             when it was asked for (audit time)
 * @param weights          new weight per route id, in audit order
 * @param expectedVersions route version the caller saw, per route id; routes absent are not checked
 * @param details          audit details of every entry of the change ({@code {}} when none)
 */
public record RouteChange(String actor, String action, String reason, Instant time, Map<String, Integer> weights,
                          Map<String, Long> expectedVersions, ObjectNode details) {

    public RouteChange {
        requireNonNull(actor, "actor");
        requireNonNull(action, "action");
        requireNonNull(time, "time");
        reason = reason == null ? "" : reason;
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        expectedVersions = Map.copyOf(expectedVersions);
        details = details == null ? JsonNodeFactory.instance.objectNode() : details;
    }

    /** A change without audit details. */
    public RouteChange(String actor, String action, String reason, Instant time, Map<String, Integer> weights,
                       Map<String, Long> expectedVersions) {
        this(actor, action, reason, time, weights, expectedVersions, null);
    }

    /** The audit entry (not yet appended: seq 0) for route {@code id} going from {@code before}. */
    public AuditEntry entry(String id, int before) {
        return new AuditEntry(time, actor, action, id, before, weights.get(id), reason, details.deepCopy());
    }
}
