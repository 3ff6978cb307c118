package dev.strangler.cli.ramp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.cli.AdminClient;
import dev.strangler.cli.CliException;
import dev.strangler.cli.Weights;
import dev.strangler.shadow.store.DiffQueries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Drives one ramp of one route through the admin API. Every decision is written to the audit log
 * before or right after it takes effect (CONTRACT section 1), so the log alone tells where a ramp
 * is and {@link #resume()} continues a ramp whose process died:
 * <ol>
 *   <li>{@code ramp-start} (details: plan, DLQ baseline) — its seq is the ramp's id;</li>
 *   <li>per step, {@code ramp-step} (details: step, weight, the legacy reference, the previous
 *       step's gate figures) <em>before</em> the weight is set, so a crash in between resumes on
 *       the same step (setting a weight twice is harmless);</li>
 *   <li>during the hold, gates every check interval; {@code ramp-pause}/{@code ramp-resume}/
 *       {@code ramp-abort} written by other commands are polled and obeyed;</li>
 *   <li>{@code ramp-complete}, or on a failed gate: rollback to 0 at once, then
 *       {@code ramp-gate-failed} with the gate, its value, bound and every figure.</li>
 * </ol>
 * A resumed step holds for its full time again: the gap while nobody watched is not counted.
 */
public final class RampRunner {

    private final AdminClient admin;
    private final String route;
    private final DiffQueries diffs;
    private final CdcAccess cdc;
    private final LiveView view;
    private final Clock clock;

    private RampPlan plan;
    private long rampId;
    private long lastSeq;
    private long dlqBaseline;
    private GateCheck gates;
    private String legacyBackend;
    private String targetBackend;
    private final List<String> movedTables = new ArrayList<>();
    private int currentStep;

    /** How a ramp ended. */
    public record Outcome(boolean completed, long rampId, String message, List<GateResult> lastGates) {
    }

    /**
     * @param diffs the diff store, or null when the plan has no mismatch gate
     * @param cdc   CDC databases, or null when the plan has no CDC gate and no owner step
     */
    public RampRunner(AdminClient admin, String route, DiffQueries diffs, CdcAccess cdc, LiveView view, Clock clock) {
        this.admin = admin;
        this.route = route;
        this.diffs = diffs;
        this.cdc = cdc;
        this.view = view;
        this.clock = clock;
    }

    AdminClient admin() {
        return admin;
    }

    String route() {
        return route;
    }

    RampPlan plan() {
        return plan;
    }

    long rampId() {
        return rampId;
    }

    GateCheck gates() {
        return gates;
    }

    LiveView view() {
        return view;
    }

    Clock clock() {
        return clock;
    }

    String targetBackend() {
        return targetBackend;
    }

    String legacyBackend() {
        return legacyBackend;
    }

    /** Highest audit seq seen: control entries are polled after it. */
    long lastSeq() {
        return lastSeq;
    }

    void seen(long seq) {
        lastSeq = Math.max(lastSeq, seq);
    }

    /** The route's latest ramp, from its audit entries. */
    public static RampState state(AdminClient admin, String route) {
        return RampState.of(admin.audit(route, 0, 10_000).path("entries"));
    }

    /** Starts a new ramp; refused while an earlier one is unfinished. */
    public Outcome start(RampPlan plan, String reason) {
        RampState state = state(admin, route);
        if (state.active()) {
            throw CliException.failure("route " + route + " has an unfinished ramp (#" + state.rampId() + ", started "
                    + state.start().path("time").asText() + " by " + state.start().path("actor").asText()
                    + "): continue it with --resume, or end it with 'strangler ramp abort " + route + "'");
        }
        JsonNode r = admin.route(route);
        if (r.path("target").isNull() || r.path("target").asText().isEmpty()) {
            throw CliException.failure("route " + route + " has no target backend: nothing to ramp to");
        }
        if (r.path("weightBps").asInt() >= firstWeight(plan)) {
            throw CliException.failure("route " + route + " is already at " + Weights.format(r.path("weightBps").asInt())
                    + ", at or above the plan's first step " + Weights.format(firstWeight(plan))
                    + ": roll it back first, or start with --steps above it");
        }
        this.plan = plan;
        try {
            dlqBaseline = plan.gates().needsCdc() ? cdc.status().dlqSize() : 0;
        } catch (RuntimeException e) {
            throw CliException.failure("cannot read CDC status for the ramp's gates (" + oneLine(e.getMessage())
                    + "): check --legacy-db, --new-db and --slot, or start without the CDC gates", e);
        }
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.set("plan", plan.toJson());
        details.put("dlqBaseline", dlqBaseline);
        JsonNode entry = admin.appendAudit("ramp-start", route, reason, details).path("entry");
        rampId = entry.path("seq").asLong();
        lastSeq = rampId;
        view.event("ramp #" + rampId + " of " + route + ": " + plan.stepsText() + ", hold " + PlanReader.format(plan.hold())
                + " each, gates every " + PlanReader.format(plan.checkInterval()));
        gates = new GateCheck(plan.gates(), route, diffs, cdc, LegacyReference.NONE, dlqBaseline);
        return runResumable(0);
    }

    /** Continues the route's unfinished ramp from its last step (which holds again in full). */
    public Outcome resume(String reason) {
        RampState state = state(admin, route);
        if (!state.active()) {
            throw CliException.failure("route " + route + " has no unfinished ramp to resume (last ramp: "
                    + state.status() + "): start one without --resume");
        }
        plan = state.plan();
        rampId = state.rampId();
        dlqBaseline = state.start().path("details").path("dlqBaseline").asLong();
        int from = Math.max(0, state.step());
        for (int i = 0; i < from; i++) {
            if (plan.steps().get(i) instanceof RampPlan.Owner o && !o.owner().equals("legacy")) {
                movedTables.add(o.table());
            }
        }
        LegacyReference ref = state.lastStep() == null ? LegacyReference.NONE
                : LegacyReference.fromJson(state.lastStep().path("details").path("legacyRef"));
        gates = new GateCheck(plan.gates(), route, diffs, cdc, ref, dlqBaseline);
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("rampId", rampId).put("step", from)
                .put("interrupted", true);
        lastSeq = admin.appendAudit("ramp-resume", route, reason, details).path("entry").path("seq").asLong();
        view.event("resuming ramp #" + rampId + " of " + route + " at step " + (from + 1) + "/" + plan.steps().size()
                + " (" + plan.steps().get(from).text() + "), which holds again in full" + (state.paused() ? "; it was paused: resumed" : ""));
        return runResumable(from);
    }

    /**
     * Runs from step {@code from}; when the proxy or a source stops answering mid-ramp, says where
     * the ramp stopped and how to continue (the route keeps its weight: nobody can change it now).
     */
    private Outcome runResumable(int from) {
        try {
            return run(from, null);
        } catch (CliException e) {
            throw CliException.failure("ramp #" + rampId + " of " + route + " interrupted at step " + (currentStep + 1) + "/"
                    + plan.steps().size() + " (" + e.getMessage() + "); the route keeps its weight: continue with"
                    + " 'strangler ramp " + route + " --resume' or roll back with 'strangler ramp abort " + route + "'", e);
        }
    }

    private Outcome run(int from, List<GateResult> previous) {
        JsonNode r = admin.route(route);
        legacyBackend = r.path("legacy").asText();
        targetBackend = r.path("target").asText();
        Instant started = clock.instant();
        List<GateResult> last = previous == null ? List.of() : previous;
        for (int i = from; i < plan.steps().size(); i++) {
            currentStep = i;
            RampPlan.Step step = plan.steps().get(i);
            ObjectNode details = base().put("step", i).put("of", plan.steps().size()).put("text", step.text())
                    .put("weightBps", plan.weightAt(i));
            details.set("legacyRef", gates.legacyReference().json());
            details.set("previousGates", gatesJson(last));
            appendControl("ramp-step", "step " + (i + 1) + "/" + plan.steps().size() + ": " + step.text(), details);
            Optional<Outcome> failed = apply(i, step);
            if (failed.isPresent()) {
                return failed.get();
            }
            view.event("step " + (i + 1) + "/" + plan.steps().size() + ": " + step.text() + " (" + route + " at "
                    + Weights.format(plan.weightAt(i)) + "), holding " + PlanReader.format(plan.hold()));
            Outcome o = new StepHold(this, i).run();
            if (!o.completed()) {
                return o;
            }
            last = o.lastGates();
        }
        ObjectNode details = base();
        details.set("gates", gatesJson(last));
        appendControl("ramp-complete", "all " + plan.steps().size() + " steps passed", details);
        String msg = "ramp #" + rampId + " of " + route + " complete: " + Weights.format(plan.weightAt(plan.steps().size() - 1))
                + " on " + targetBackend + " after " + plan.steps().size() + " steps (" + PlanReader.format(
                Duration.ofSeconds(Duration.between(started, clock.instant()).toSeconds() + 1)) + ")";
        view.event(msg);
        return new Outcome(true, rampId, msg, last);
    }

    private Optional<Outcome> apply(int i, RampPlan.Step step) {
        if (step instanceof RampPlan.Weight w) {
            admin.setWeight(route, w.bps(), "ramp #" + rampId + " step " + (i + 1) + "/" + plan.steps().size());
            return Optional.empty();
        }
        RampPlan.Owner o = (RampPlan.Owner) step;
        try {
            long maxLag = plan.gates().maxCdcLag() == null ? 5000 : plan.gates().maxCdcLag().toMillis();
            long maxDlq = dlqBaseline + (plan.gates().maxDlqGrowth() == null ? 0 : plan.gates().maxDlqGrowth());
            cdc.changeOwner(o.table(), o.owner(), "ramp #" + rampId + " step " + (i + 1), maxLag, maxDlq);
        } catch (RuntimeException e) {
            GateResult g = new GateResult("owner", GateResult.State.FAIL, Double.NaN, Double.NaN, o.owner(), "refused",
                    oneLine(e.getMessage()));
            return Optional.of(fail(i, g, List.of(g), 0, 0));
        }
        if (!o.owner().equals("legacy")) {
            movedTables.add(o.table());
        }
        return Optional.empty();
    }

    Outcome fail(int index, GateResult gate, List<GateResult> results, int checks, int passedBefore) {
        rollbackIfNeeded("ramp #" + rampId + ": gate " + gate.gate() + " failed");
        ObjectNode d = base().put("step", index).put("gate", gate.gate()).put("checks", checks)
                .put("passedBefore", passedBefore);
        if (!Double.isNaN(gate.value())) {
            d.put("value", gate.value());
        }
        if (!Double.isNaN(gate.bound())) {
            d.put("bound", gate.bound());
        }
        d.put("valueText", gate.valueText()).put("boundText", gate.boundText()).put("note", gate.note());
        d.set("gates", gatesJson(results));
        String msg = "ramp #" + rampId + " of " + route + " rolled back to 0% at step " + (index + 1) + "/" + plan.steps().size()
                + " (" + plan.steps().get(index).text() + "): gate " + gate.gate() + " " + gate.valueText() + " > bound "
                + gate.boundText() + " (" + gate.note() + ")";
        appendControl("ramp-gate-failed", "gate " + gate.gate() + " " + gate.valueText() + " > " + gate.boundText(), d);
        view.event(msg);
        return new Outcome(false, rampId, msg, results);
    }

    /** Route to 0 at once (if not already), then write ownership back for tables this ramp moved. */
    void rollbackIfNeeded(String reason) {
        if (admin.route(route).path("weightBps").asInt() > 0) {
            admin.rollback(route, reason, false);
        }
        for (String table : movedTables) {
            try {
                cdc.handBack(table, reason);
                view.event("write ownership of " + table + " handed back: both sides sync again");
            } catch (RuntimeException e) {
                view.event("could not hand back write ownership of " + table + " (" + oneLine(e.getMessage())
                        + "): run 'strangler cdc owner " + table + " both --reason \"…\"'");
            }
        }
        movedTables.clear();
    }

    void appendControl(String action, String reason, ObjectNode details) {
        long seq = admin.appendAudit(action, route, reason, details).path("entry").path("seq").asLong();
        lastSeq = Math.max(lastSeq, seq);
    }

    ObjectNode base() {
        return JsonNodeFactory.instance.objectNode().put("rampId", rampId);
    }

    private static ObjectNode gatesJson(List<GateResult> results) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        results.forEach(g -> n.set(g.gate(), g.json()));
        return n;
    }

    private static int firstWeight(RampPlan plan) {
        return plan.steps().stream().filter(s -> s instanceof RampPlan.Weight).map(s -> ((RampPlan.Weight) s).bps())
                .findFirst().orElseThrow();
    }

    /** Waits one check interval; this paces the checks, it synchronises nothing. */
    static void pace(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failure("interrupted during a ramp hold", e);
        }
    }

    static String clockText(Duration d) {
        long s = Math.max(0, (d.toMillis() + 999) / 1000);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ").strip();
    }
}
