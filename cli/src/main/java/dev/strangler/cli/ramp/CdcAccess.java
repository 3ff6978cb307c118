package dev.strangler.cli.ramp;

import dev.strangler.cdc.CdcStatus;
import dev.strangler.cdc.Direction;
import dev.strangler.cdc.admin.Ownership;
import dev.strangler.cdc.admin.SlotAdmin;
import dev.strangler.cdc.verify.Verifier;
import dev.strangler.legacyadapter.mapping.ServiceMapping;
import dev.strangler.legacyadapter.mapping.TableMapping;
import java.util.List;

/**
 * What the ramp reads and changes in CDC, through the same cdc-sync calls as
 * {@code strangler cdc status}, {@code cdc verify} and {@code cdc owner}: nothing ramp-specific
 * touches the databases.
 *
 * @param legacyDb JDBC URL of the monolith's database (forward source)
 * @param newDb    JDBC URL of the new service's database (forward target, ownership table)
 * @param mapping  the service mapping, or null when no step or gate needs it
 * @param slot     the forward syncer's slot
 * @param reverseSlot the reverse syncer's slot (in the legacy database), also gating ownership
 *                 moves as {@code cdc owner --reverse-slot} does; null for none
 * @param actor    recorded as the ownership change's actor
 */
public record CdcAccess(String legacyDb, String newDb, ServiceMapping mapping, String slot, String reverseSlot,
                        String actor) {

    /** The forward syncer's status, as {@code strangler cdc status} shows it. */
    public CdcStatus status() {
        return new SlotAdmin(legacyDb, newDb, slot, Direction.FORWARD).status();
    }

    /**
     * {@code cdc verify} on {@code tables} only. {@code authority} FORWARD: legacy rows mapped to
     * the new side are compared with the new side's; REVERSE the other way round.
     */
    public Verifier.Report verify(List<String> tables, Direction authority) {
        List<TableMapping> only = mapping.tables().stream()
                .filter(t -> tables.stream().anyMatch(x -> ServiceMapping.sameTable(x, t.newTable()))).toList();
        ServiceMapping subset = new ServiceMapping(mapping.service(), mapping.file(), only, mapping.irreversible());
        Verifier v = new Verifier(subset, authority, 1000);
        return authority == Direction.FORWARD ? v.run(legacyDb, newDb, false) : v.run(newDb, legacyDb, false);
    }

    /**
     * {@code strangler cdc owner TABLE OWNER}: refused (CdcSyncException) while a syncer (forward,
     * and reverse when given) lags more than {@code maxLagMs} or holds more than {@code maxDlq} dead letters. Returns the
     * previous owner.
     */
    public Ownership.Owner changeOwner(String table, String owner, String reason, long maxLagMs, long maxDlq) {
        List<Ownership.SlotRef> gates = reverseSlot == null ? List.of(new Ownership.SlotRef(newDb, slot))
                : List.of(new Ownership.SlotRef(newDb, slot), new Ownership.SlotRef(legacyDb, reverseSlot));
        return Ownership.change(newDb, table, Ownership.Owner.parse(owner), actor, reason, gates, maxLagMs, maxDlq);
    }

    /** Hands a table back without gates (a rollback must not wait for lag to drop). */
    public Ownership.Owner handBack(String table, String reason) {
        return Ownership.change(newDb, table, Ownership.Owner.BOTH, actor, reason, List.of(), Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /** Whether {@code table} is a new-side table of the mapping. */
    public boolean knowsTable(String table) {
        return mapping != null && mapping.byNewTable(table).isPresent();
    }
}
