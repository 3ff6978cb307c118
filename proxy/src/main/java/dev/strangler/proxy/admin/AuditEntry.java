package dev.strangler.proxy.admin;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One audited change: who, when, what, before, after, why.
 *
 * @param time         when the change took effect
 * @param actor        admin token name that made it
 * @param action       {@code set-weight}, {@code rollback} or {@code rollback-all}
 * @param route        route id
 * @param beforeWeight weight before, in basis points
 * @param afterWeight  weight after, in basis points
 * @param reason       operator's reason, "" when none was given
 */
public record AuditEntry(Instant time, String actor, String action, String route, int beforeWeight,
                         int afterWeight, String reason) {

    public AuditEntry {
        requireNonNull(time, "time");
        requireNonNull(actor, "actor");
        requireNonNull(action, "action");
        requireNonNull(route, "route");
        reason = reason == null ? "" : reason;
    }
}
