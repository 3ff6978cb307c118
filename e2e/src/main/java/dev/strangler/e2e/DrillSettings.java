package dev.strangler.e2e;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How big and how long a drill is.
 *
 * @param phase      load time after each phase's action completed (the action itself may take longer)
 * @param rampHold   hold of each {@code strangler ramp} step
 * @param patients   patients seeded into the monolith (virtual patients are drawn from them)
 * @param physicians physicians seeded into the monolith
 * @param rps        simulated requests per second, both proxies together
 * @param workDir    where databases, configs and child logs go (removed afterwards unless {@code keep})
 * @param keep       keep {@code workDir} (child logs) after the run
 * @param catchUp    after the load stopped: longest wait for every acknowledged write to be in both databases
 */
public record DrillSettings(Duration phase, Duration rampHold, int patients, int physicians, int rps, Path workDir,
                            boolean keep, Duration catchUp) {

    public DrillSettings {
        requireNonNull(phase, "phase");
        requireNonNull(rampHold, "rampHold");
        requireNonNull(workDir, "workDir");
        requireNonNull(catchUp, "catchUp");
        if (phase.isNegative() || phase.isZero()) {
            throw new IllegalArgumentException("phase: " + phase + " (expected: > 0)");
        }
        if (rps < 1 || rps > 2_000) {
            throw new IllegalArgumentException("rps: " + rps + " (expected: 1..2000)");
        }
        if (patients < 10 || physicians < 2) {
            throw new IllegalArgumentException("patients/physicians: " + patients + "/" + physicians
                    + " (expected: >= 10 / >= 2)");
        }
    }

    /** The version {@code mvn -B verify} runs: about a minute of load on a 2-core machine. */
    public static DrillSettings shortRun(Path workDir) {
        return new DrillSettings(Duration.ofSeconds(3), Duration.ofSeconds(2), 300, 40, 20, workDir, false,
                Duration.ofSeconds(15));
    }

    /** The long version: {@code minutes} of load spread over the eight phases. */
    public static DrillSettings longRun(Path workDir, double minutes, int rps, boolean keep) {
        Duration phase = Duration.ofMillis(Math.max(4_000, (long) (minutes * 60_000 / 8)));
        Duration hold = Duration.ofMillis(Math.max(2_000, phase.toMillis() / 4));
        return new DrillSettings(phase, hold, 2_000, 200, rps, workDir, keep, Duration.ofSeconds(60));
    }
}
