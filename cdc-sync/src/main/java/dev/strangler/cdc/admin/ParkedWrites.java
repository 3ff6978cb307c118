package dev.strangler.cdc.admin;

import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.Direction;
import dev.strangler.cdc.JdbcUrl;
import dev.strangler.cdc.apply.Route;
import dev.strangler.legacyadapter.mapping.ServiceMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a syncer dead-lettered as "not the owner" (written on the side that did not own the table)
 * are applied as soon as the table's owner lets this direction sync it again — typically a rollback
 * moving ownership back to {@code both}. Without this, a write that landed in the window between a
 * routing rollback and the syncers' next ownership read would wait for an operator's
 * {@code dlq retry} and block the next ownership change. Applying goes through the same path as
 * {@code strangler cdc dlq retry} (the source row's current state).
 */
public final class ParkedWrites {

    /** The prefix of the dead-letter reason {@link dev.strangler.cdc.apply.ChangeApplier} writes for them. */
    public static final String REASON_PREFIX = "not the owner:";

    private static final Logger log = LoggerFactory.getLogger(ParkedWrites.class);

    private final String sourceUrl;
    private final String targetUrl;
    private final ServiceMapping mapping;
    private final Direction direction;
    private final String slot;
    private final List<Route> routes;

    public ParkedWrites(String sourceUrl, String targetUrl, ServiceMapping mapping, Direction direction, String slot) {
        this.sourceUrl = sourceUrl;
        this.targetUrl = targetUrl;
        this.mapping = mapping;
        this.direction = direction;
        this.slot = slot;
        this.routes = Route.of(mapping, direction);
    }

    /** Applies the parked writes of every table {@code owners} now lets this direction sync; returns how many. */
    public int applyOwned(Map<String, Ownership.Owner> owners) {
        List<Long> due = new ArrayList<>();
        try (Connection c = JdbcUrl.connect(targetUrl);
                PreparedStatement ps = c.prepareStatement("SELECT id, source_table FROM strangler_cdc_dlq"
                        + " WHERE slot = ? AND reason LIKE ? ORDER BY id")) {
            ps.setString(1, slot);
            ps.setString(2, REASON_PREFIX + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(2);
                    boolean owned = routes.stream().filter(r -> r.sourceTable().equals(table)).findFirst()
                            .map(r -> owners.getOrDefault(r.mapping().newTable(), Ownership.Owner.BOTH).syncs(direction))
                            .orElse(false);
                    if (owned) {
                        due.add(rs.getLong(1));
                    }
                }
            }
        } catch (SQLException e) {
            log.warn("slot {}: cannot read parked writes: {}", slot, e.getMessage());
            return 0;
        }
        if (due.isEmpty()) {
            return 0;
        }
        DeadLetterAdmin admin = new DeadLetterAdmin(sourceUrl, targetUrl, mapping, direction, slot);
        int applied = 0;
        for (long id : due) {
            try {
                applied += admin.retry(id).applied();
            } catch (CdcSyncException e) {
                log.warn("slot {}: parked write {} not applied: {}", slot, id, e.getMessage());
            }
        }
        log.info("slot {}: applied {} of {} writes parked as 'not the owner' now that this direction syncs their table",
                slot, applied, due.size());
        return applied;
    }
}
