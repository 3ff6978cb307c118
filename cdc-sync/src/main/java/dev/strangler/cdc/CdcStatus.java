package dev.strangler.cdc;

import java.util.Map;

/**
 * A syncer's state as operators see it ({@code strangler cdc status}).
 *
 * @param slot            replication slot
 * @param direction       forward or reverse
 * @param role            ACTIVE (holds the lock, streaming), STANDBY (waiting for the lock), STARTING, RETRYING, STOPPED
 * @param lsn             last applied source position (e.g. {@code 0/1A2B3C}), or null
 * @param lagMs           last measured source commit → applied lag in ms, or -1
 * @param rowsPerSecond   recent apply rate
 * @param dlqSize         dead letters waiting for retry or discard
 * @param retainedWalBytes WAL the slot holds back on the source, or -1 if unknown
 * @param stoppedTables   source tables stopped by schema drift, with the reason
 * @param lastError       last failure message, or null
 */
public record CdcStatus(String slot, Direction direction, String role, String lsn, long lagMs, double rowsPerSecond,
        long dlqSize, long retainedWalBytes, Map<String, String> stoppedTables, String lastError) {
    public CdcStatus {
        stoppedTables = Map.copyOf(stoppedTables);
    }
}
