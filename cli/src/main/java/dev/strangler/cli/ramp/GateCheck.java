package dev.strangler.cli.ramp;

import dev.strangler.cdc.CdcStatus;
import dev.strangler.cdc.Direction;
import dev.strangler.cdc.verify.Verifier;
import dev.strangler.shadow.store.DiffQueries;
import dev.strangler.shadow.store.RouteReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a plan's gates for one step window. Not thread-safe: one ramp, one thread.
 *
 * <p>Metrics gates compare the target with the monolith over the same window (requests since the
 * step began). A gate WAITs (neither passes nor fails) until the target answered
 * {@code minRequests} requests (or the shadow store holds {@code minComparisons} comparisons),
 * so a handful of early requests cannot decide a step either way. Sources that cannot be read
 * (diff store down) also WAIT, with the reason: a ramp never advances on figures it does not have.
 */
final class GateCheck {

    private final RampPlan.Gates gates;
    private final String route;
    private final DiffQueries diffs;
    private final CdcAccess cdc;
    private LegacyReference legacyRef;
    private final long dlqBaseline;
    private Instant lastVerify = Instant.MIN;
    private GateResult lastVerifyResult;
    /** Differing rows (table, key, kind) → when a verify run first saw them differ, continuously since. */
    private Map<String, Instant> differingSince = new HashMap<>();

    GateCheck(RampPlan.Gates gates, String route, DiffQueries diffs, CdcAccess cdc, LegacyReference legacyRef,
              long dlqBaseline) {
        this.gates = gates;
        this.route = route;
        this.diffs = diffs;
        this.cdc = cdc;
        this.legacyRef = legacyRef;
        this.dlqBaseline = dlqBaseline;
    }

    LegacyReference legacyReference() {
        return legacyRef;
    }

    /**
     * Every enabled gate's verdict. {@code forceVerify}: run verify now whatever its schedule
     * (before a step passes).
     */
    List<GateResult> evaluate(ProxyFigures target, ProxyFigures legacy, Instant stepStart, Instant now, boolean forceVerify) {
        if (legacy.requests() >= Math.max(1, gates.minRequests())) {
            legacyRef = LegacyReference.of(legacy);
        }
        List<GateResult> out = new ArrayList<>();
        boolean enough = target.requests() >= gates.minRequests();
        String need = (long) target.requests() + " of " + gates.minRequests() + " target requests";
        if (gates.maxErrorRatioIncrease() != null) {
            double bound = legacyRef.errorRatio() + gates.maxErrorRatioIncrease();
            out.add(!enough ? GateResult.waiting("errorRatio", GateResult.pct(bound), need)
                    : verdict("errorRatio", target.errorRatio(), bound, GateResult.pct(target.errorRatio()), GateResult.pct(bound),
                    "target " + (long) target.errors() + "/" + (long) target.requests() + " 5xx, legacy "
                            + GateResult.pct(legacyRef.errorRatio()) + " over " + (long) legacyRef.requests() + " requests"));
        }
        if (gates.maxP99Ratio() != null) {
            double floor = gates.p99Floor().toNanos() / 1e9;
            double bound = Math.max(legacyRef.p99Seconds() * gates.maxP99Ratio(), floor);
            double p99 = target.quantile(0.99);
            out.add(!enough ? GateResult.waiting("p99", GateResult.seconds(bound), need)
                    : verdict("p99", p99, bound, GateResult.seconds(p99), GateResult.seconds(bound),
                    "legacy p99 " + GateResult.seconds(legacyRef.p99Seconds()) + " × " + gates.maxP99Ratio()
                            + ", floor " + GateResult.seconds(floor)));
        }
        if (gates.maxMismatchRatio() != null) {
            out.add(mismatch(stepStart));
        }
        if (gates.maxCdcLag() != null || gates.maxDlqGrowth() != null) {
            out.addAll(cdcGates());
        }
        if (!gates.verifyTables().isEmpty()) {
            if (forceVerify || lastVerifyResult == null
                    || Duration.between(lastVerify, now).compareTo(gates.verifyEvery()) >= 0) {
                lastVerify = now;
                lastVerifyResult = verify(now);
            }
            out.add(lastVerifyResult);
        }
        return out;
    }

    private GateResult mismatch(Instant stepStart) {
        String bound = GateResult.pct(gates.maxMismatchRatio());
        RouteReport r;
        try {
            r = diffs.report(route, stepStart, 3);
        } catch (RuntimeException e) {
            return GateResult.waiting("mismatch", bound, "diff store unreadable: " + oneLine(e.getMessage()));
        }
        if (r.comparisons() < gates.minComparisons()) {
            return GateResult.waiting("mismatch", bound, r.comparisons() + " of " + gates.minComparisons() + " comparisons");
        }
        String fields = r.topFields().isEmpty() ? "" : ", top field " + r.topFields().get(0).field();
        return verdict("mismatch", r.mismatchRatio(), gates.maxMismatchRatio(), GateResult.pct(r.mismatchRatio()), bound,
                r.mismatches() + "/" + r.comparisons() + " comparisons differ (noise excluded)" + fields);
    }

    private List<GateResult> cdcGates() {
        List<GateResult> out = new ArrayList<>();
        CdcStatus s;
        try {
            s = cdc.status();
        } catch (RuntimeException e) {
            String why = "CDC status unreadable: " + oneLine(e.getMessage());
            if (gates.maxCdcLag() != null) {
                out.add(GateResult.waiting("cdcLag", gates.maxCdcLag().toMillis() + "ms", why));
            }
            if (gates.maxDlqGrowth() != null) {
                out.add(GateResult.waiting("dlqGrowth", String.valueOf(gates.maxDlqGrowth()), why));
            }
            return out;
        }
        if (gates.maxCdcLag() != null) {
            long max = gates.maxCdcLag().toMillis();
            out.add(s.lagMs() < 0 ? GateResult.waiting("cdcLag", max + "ms", "no lag measured yet (slot " + s.slot() + " " + s.role() + ")")
                    : verdict("cdcLag", s.lagMs(), max, s.lagMs() + "ms", max + "ms", "slot " + s.slot() + " " + s.role()));
        }
        if (gates.maxDlqGrowth() != null) {
            long growth = s.dlqSize() - dlqBaseline;
            out.add(verdict("dlqGrowth", growth, gates.maxDlqGrowth(), String.valueOf(growth), String.valueOf(gates.maxDlqGrowth()),
                    s.dlqSize() + " dead letters now, " + dlqBaseline + " when the ramp started"));
        }
        return out;
    }

    /**
     * Verify fails only on a row that has differed in every run for longer than the settle time
     * (the CDC lag bound, else 5 s): under live writes a run nearly always catches a row written a
     * moment ago and not yet applied on the other side; that row heals by the next run. Rows that
     * differ for less than the settle time pass, and are named in the note.
     */
    private GateResult verify(Instant now) {
        Verifier.Report r;
        try {
            // Always legacy → new through the mapping: the gate asks whether both sides agree, whoever
            // writes. (Checked against the demo: the reverse comparison, as 'cdc verify --authority new',
            // reported most appointment rows "different" right after ownership moved while the forward
            // one found both sides equal.)
            r = cdc.verify(gates.verifyTables(), Direction.FORWARD);
        } catch (RuntimeException e) {
            return GateResult.waiting("verify", "0", "verify failed: " + oneLine(e.getMessage()));
        }
        Duration settle = gates.maxCdcLag() != null ? gates.maxCdcLag() : Duration.ofSeconds(5);
        Map<String, Instant> since = new HashMap<>();
        String example = null;
        long persisting = 0;
        for (Verifier.Mismatch m : r.mismatches()) {
            String key = m.table() + m.key() + m.kind();
            Instant first = differingSince.getOrDefault(key, now);
            since.put(key, first);
            if (Duration.between(first, now).compareTo(settle) > 0) {
                persisting++;
                example = example != null ? example : m.kind() + " " + m.table();
            }
        }
        differingSince = since;
        String note = r.rowsCompared() + " rows compared, " + since.size() + " differ now, " + persisting
                + " for longer than " + settle.toMillis() + "ms" + (example == null ? "" : ", e.g. " + example);
        return verdict("verify", persisting, 0, String.valueOf(persisting), "0", note);
    }

    private static GateResult verdict(String gate, double value, double bound, String valueText, String boundText, String note) {
        GateResult.State s = value > bound ? GateResult.State.FAIL : GateResult.State.PASS;
        return new GateResult(gate, s, value, bound, valueText, boundText, note);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ").strip();
    }
}
