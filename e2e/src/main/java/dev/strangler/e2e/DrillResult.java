package dev.strangler.e2e;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * What a drill measured.
 *
 * @param phases              client outcomes and latency per phase
 * @param acknowledgedWrites  appointments whose booking or cancellation was acknowledged (2xx)
 * @param lostWrites          acknowledged writes not in both databases (in the acknowledged state) after catch-up
 * @param catchUpMillis       load stop → every acknowledged write in both databases
 * @param verifyExit          exit code of {@code strangler cdc verify} after catch-up
 * @param verifyDifferences   rows {@code cdc verify} reported missing, extra or different
 * @param verifyUnexplained   differences not about a diagnosed missing write
 * @param verifySummary       its summary line
 * @param deadLetters         both syncers' dead letters at the end ({@code cdc dlq list} lines: table, key, reason)
 * @param fallbacks           requests the proxies replayed on the monolith (target refused, timed out, circuit open …)
 * @param skippedNotOwner     changes the forward syncer skipped because the service owned the table's writes
 * @param lagPeakForwardMs    highest forward lag sampled from {@code strangler cdc status}
 * @param lagPeakReverseMs    highest reverse lag sampled
 * @param rollbackMillis      {@code strangler rollback --all} start → both proxies serve weight 0
 * @param drainExitCodes      exit codes of the proxies drained by SIGTERM in the blue-green phase
 * @param mirroredBeforeRamp  mirrored copies the first proxy had sent before the ramp started
 */
public record DrillResult(List<PhaseStats> phases, int acknowledgedWrites, List<LossCauses.Missing> lostWrites,
                          long catchUpMillis, int verifyExit, long verifyDifferences, long verifyUnexplained, String verifySummary, List<String> deadLetters, long fallbacks, long skippedNotOwner, long lagPeakForwardMs,
                          long lagPeakReverseMs, long rollbackMillis, List<Integer> drainExitCodes, long mirroredBeforeRamp) {

    public long failedReads() {
        return phases.stream().mapToLong(PhaseStats::readsFailed).sum();
    }

    public long failedWrites() {
        return phases.stream().mapToLong(PhaseStats::writesFailed).sum();
    }

    public long unknownWrites() {
        return phases.stream().mapToLong(PhaseStats::writesUnknown).sum();
    }

    /** Acknowledged writes missing after catch-up for a reason the drill could not diagnose. */
    public long lostUnexplained() {
        return lostWrites.stream().filter(m -> LossCauses.UNEXPLAINED.equals(m.cause())).count();
    }

    /** Acknowledged writes missing after catch-up with {@code cause}. */
    public long lost(String cause) {
        return lostWrites.stream().filter(m -> cause.equals(m.cause())).count();
    }

    public long requests() {
        return phases.stream().mapToLong(PhaseStats::requests).sum();
    }

    /** Failure kinds per phase, for assertion messages. */
    public List<String> failureDetails() {
        return PhaseStats.describeFailures(phases);
    }

    /** The per-phase table and the totals. */
    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "%-34s %6s %6s %9s %8s %8s %8s %9s %9s %8s %8s %8s%n", "PHASE", "SECS", "REQS", "GET FAIL",
                "POST OK", "POST REJ", "POST ?", "POST FAIL", "FALLBACKS", "p50 ms", "p99 ms", "LAG ms");
        for (PhaseStats p : phases) {
            out.printf(Locale.ROOT, "%-34s %6.1f %6d %9d %8d %8d %8d %9d %9d %8.1f %8.1f %8s%n", p.name(), p.seconds(),
                    p.requests(), p.readsFailed(), p.writesAcked(), p.writesRejected(), p.writesUnknown(), p.writesFailed(),
                    p.fallbacks(),
                    p.percentileMillis(50), p.percentileMillis(99), p.lagPeakMs() < 0 ? "-" : Long.toString(p.lagPeakMs()));
        }
        for (PhaseStats p : phases) {
            if (!p.note().isEmpty()) {
                out.println("  " + p.name() + ": " + p.note());
            }
        }
        failureDetails().forEach(l -> out.println("  outcome " + l));
        out.printf(Locale.ROOT, "requests %d: failed GETs %d, failed POSTs %d, POSTs answered outcome-unknown (documented) %d%n",
                requests(), failedReads(), failedWrites(), unknownWrites());
        out.printf(Locale.ROOT, "acknowledged writes %d, not in both databases after catch-up %d (catch-up %d ms)%n",
                acknowledgedWrites, lostWrites.size(), catchUpMillis);
        lostWrites.stream().collect(java.util.stream.Collectors.groupingBy(LossCauses.Missing::cause,
                java.util.TreeMap::new, java.util.stream.Collectors.counting()))
                .forEach((cause, n) -> out.println("  " + n + " × " + cause));
        lostWrites.stream().limit(5).forEach(l -> out.println("  e.g. " + l));
        out.printf(Locale.ROOT, "cdc verify: exit %d, %d differences, %d not about a diagnosed missing write (%s)%n",
                verifyExit, verifyDifferences, verifyUnexplained, verifySummary);
        out.printf(Locale.ROOT, "proxy fallbacks to the monolith %d; forward changes skipped as not-owner %d%n", fallbacks,
                skippedNotOwner);
        out.printf(Locale.ROOT, "dead letters: %d%n", deadLetters.size());
        deadLetters.stream().limit(20).forEach(l -> out.println("  " + l));
        out.printf(Locale.ROOT, "CDC lag peak: forward %d ms, reverse %d ms (strangler cdc status, sampled every 1 s)%n",
                lagPeakForwardMs, lagPeakReverseMs);
        out.printf(Locale.ROOT, "rollback --all → both proxies at 0 %%: %d ms%n", rollbackMillis);
        out.printf(Locale.ROOT, "drained proxies' exit codes %s; mirrored copies before the ramp %d%n", drainExitCodes,
                mirroredBeforeRamp);
    }
}
