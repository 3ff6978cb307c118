package dev.strangler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The short migration drill: every phase of the drill under load (see {@link Drill}), then
 * the audit: no failed GET, no failed or lost POST, CDC verify clean, rollback propagated, drained
 * proxies exited 0.
 */
class DrillIT {

    @Test
    void migrationUnderLoadLosesNothing() throws Exception {
        // Under target/ so the child JVMs' logs (target/drill/logs) survive a failure; the databases are removed.
        DrillResult r = Drill.run(DrillSettings.shortRun(Path.of("target", "drill").toAbsolutePath()));
        r.print(System.out);

        assertThat(r.phases()).hasSize(8).allSatisfy(p -> assertThat(p.requests()).as(p.name()).isPositive());
        assertThat(r.mirroredBeforeRamp()).as("mirroring on before the ramp").isPositive();
        assertThat(r.failedReads()).as("failed GETs: %s", r.failureDetails()).isZero();
        assertThat(r.failedWrites()).as("failed POSTs (neither acknowledged nor the documented outcome-unknown): %s",
                r.failureDetails()).isZero();
        assertThat(r.acknowledgedWrites()).as("acknowledged writes").isGreaterThan(20);
        // Every acknowledged write is in both databases, or (rare: two patients booking one slot on the two sides
        // in the instant the writes route switches) dead-lettered as a slot conflict (docs/drill.md, "What the
        // drill found"). Nothing may be missing for any other reason, and `cdc verify` may report nothing else.
        assertThat(r.lostUnexplained()).as("acknowledged writes missing for an undiagnosed reason: %s", r.lostWrites())
                .isZero();
        // The service owns its writes from phase 2 (resilience.fallbackWrites: false): no write may end up in the
        // monolith only, and nothing may be parked as "not the owner".
        assertThat(r.lost(LossCauses.MONOLITH_ONLY)).as("monolith-only writes: %s", r.lostWrites()).isZero();
        assertThat(r.verifyUnexplained()).as("cdc verify differences beyond the diagnosed writes: %s", r.verifySummary())
                .isZero();
        assertThat(r.deadLetters()).as("dead letters other than cross-side slot conflicts")
                .allMatch(LossCauses::isSlotConflict);
        assertThat(r.drainExitCodes()).as("drained proxies' exit codes").containsExactly(0, 0);
        assertThat(r.rollbackMillis()).as("rollback propagation").isBetween(0L, 10_000L);
        assertThat(r.lagPeakForwardMs()).as("a forward lag was sampled").isGreaterThanOrEqualTo(0);
    }
}
