package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cdc.Direction;
import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.CliEnvironment;
import dev.strangler.cli.CliException;
import dev.strangler.cli.DurationConverter;
import dev.strangler.cli.OutputOptions;
import dev.strangler.cli.ramp.CdcAccess;
import dev.strangler.cli.ramp.LiveView;
import dev.strangler.cli.ramp.PlanReader;
import dev.strangler.cli.ramp.RampPlan;
import dev.strangler.cli.ramp.RampRunner;
import dev.strangler.shadow.store.DiffQueries;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strangler ramp ROUTE}: progressive rollout with gates and automatic rollback. */
@Command(name = "ramp", mixinStandardHelpOptions = true,
        description = {"Raise a route's weight step by step (default 1, 5, 10, 25, 50, 100%%), holding each step while",
                "gates are checked: target vs legacy error ratio and p99 (proxy metrics), shadow mismatch ratio",
                "(diff store), CDC lag, dead-letter growth and verify differences. A failed gate sets the route to",
                "0%% at once, writes ramp-gate-failed to the audit log and exits 1 naming the gate.",
                "The ramp's state lives in the audit log: --resume continues a ramp whose process died;",
                "'ramp status|pause|resume|abort ROUTE' act on a running one."},
        subcommands = {RampStatusCommand.class, RampPauseCommand.class, RampResumeCommand.class, RampAbortCommand.class},
        footer = {"%nExamples:",
                "  strangler ramp appointments --dry-run",
                "  strangler ramp appointments --steps 1,5,25,100 --hold 10m --reason \"cutover CHG-4711\"",
                "  strangler ramp appointments --plan ramp.yaml --diff-db \"$STRANGLER_DIFF_DB\" --max-mismatch-ratio 0.005",
                "  strangler ramp appointments --resume",
                "  strangler ramp status appointments",
                "%nSample output (not a terminal; on a terminal the progress line is redrawn):",
                "  ramp #41 of appointments: 1%% → 5%% → 10%% → 25%% → 50%% → 100%%, hold 10m each, gates every 10s",
                "  step 1/6: 1%% (appointments at 1%%), holding 10m",
                "  [1/6 1%%] 9:50 left | requests target 131 legacy 12904 | errorRatio 0.00%% ≤ 1.02%% ok | p99 4.1ms ≤ 50ms ok"})
public final class RampCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "ROUTE", description = "Route id, as in 'strangler routes list'.")
    String route;

    @Option(names = "--plan", paramLabel = "FILE", description = "Plan file (YAML: steps, hold, checkInterval, maxWait, gates);"
            + " flags override it. See docs/cli.md.")
    Path planFile;

    @Option(names = "--steps", paramLabel = "LIST", description = "Comma-separated steps: weights (1, 5%%, 250bps) and"
            + " ownership moves (owner:TABLE=new). Default: 1,5,10,25,50,100.")
    String steps;

    @Option(names = "--hold", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long each step holds with every gate ok (default: 10m).")
    Duration hold;

    @Option(names = "--check-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often gates are checked (default: 10s).")
    Duration checkInterval;

    @Option(names = "--max-wait", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "After the hold, how long a step may wait for enough data before it fails (default: the hold).")
    Duration maxWait;

    @Option(names = "--min-requests", paramLabel = "N", description = "Target requests per step before the metrics gates"
            + " give a verdict (default: 100).")
    Integer minRequests;

    @Option(names = "--max-error-ratio-increase", paramLabel = "RATIO",
            description = "Target 5xx ratio may exceed legacy's by this much (default: 0.01 = 1 point).")
    Double maxErrorRatioIncrease;

    @Option(names = "--max-p99-ratio", paramLabel = "FACTOR", description = "Target p99 ≤ legacy p99 × FACTOR (default: 1.5) …")
    Double maxP99Ratio;

    @Option(names = "--p99-floor", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "… but a p99 under this always passes (default: 50ms).")
    Duration p99Floor;

    @Option(names = "--max-mismatch-ratio", paramLabel = "RATIO",
            description = "Turns on the shadow gate: mismatch ratio in the step, noise excluded (needs --diff-db).")
    Double maxMismatchRatio;

    @Option(names = "--min-comparisons", paramLabel = "N", description = "Comparisons per step before the shadow gate"
            + " gives a verdict (default: 20).")
    Integer minComparisons;

    @Option(names = "--max-cdc-lag", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Turns on the CDC lag gate (needs --legacy-db, --new-db).")
    Duration maxCdcLag;

    @Option(names = "--max-dlq-growth", paramLabel = "N",
            description = "Turns on the dead-letter gate: dead letters added since the ramp began (needs --legacy-db, --new-db).")
    Long maxDlqGrowth;

    @Option(names = "--verify-tables", paramLabel = "TABLE", split = ",",
            description = "Turns on the verify gate: 'cdc verify' of these new-side tables during each step (needs --mapping).")
    List<String> verifyTables;

    @Option(names = "--verify-every", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often verify runs during a hold; it also runs before a step passes (default: 60s).")
    Duration verifyEvery;

    @Option(names = "--reverse-slot", paramLabel = "NAME",
            description = "Owner steps also gate on this reverse syncer's slot, as 'cdc owner --reverse-slot'.")
    String reverseSlot;

    @Option(names = "--no-gate", paramLabel = "GATE", description = "Turn a gate off: errorRatio, p99, mismatch, cdcLag,"
            + " dlqGrowth, verify (repeatable).")
    List<String> noGate;

    @Option(names = "--dry-run", description = "Print the plan and exit; nothing is sent.")
    boolean dryRun;

    @Option(names = "--resume", description = "Continue this route's interrupted ramp from the audit log (same plan;"
            + " the current step holds again in full).")
    boolean resume;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log.")
    String reason;

    @Mixin
    AdminOptions admin;

    @Mixin
    OutputOptions output;

    @Mixin
    ShadowOptions shadow;

    @Mixin
    CdcOptions cdcOptions;

    @Override
    public Integer call() {
        if (route == null) {
            throw CliException.usage("missing ROUTE (expected: strangler ramp ROUTE, or ramp status|pause|resume|abort ROUTE)");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (resume) {
            if (planFile != null || steps != null || hold != null || dryRun) {
                throw CliException.usage("--resume continues with the plan the ramp started with: drop --plan, --steps,"
                        + " --hold and --dry-run");
            }
            return run(null, out);
        }
        RampPlan plan = plan();
        if (dryRun) {
            RampPlanText.print(route, plan, output, out);
            return 0;
        }
        return run(plan, out);
    }

    private Integer run(RampPlan plan, PrintWriter out) {
        var client = admin.client();
        // The gates a resumed ramp needs come from the plan it started with.
        RampPlan effective = plan != null ? plan : RampRunner.state(client, route).plan();
        if (effective == null) {
            throw CliException.failure("route " + route + " has never been ramped: nothing to resume");
        }
        HikariDataSource diffDb = effective.gates().needsDiffStore() ? shadow.dataSource() : null;
        try {
            DiffQueries diffs = diffDb == null ? null : new DiffQueries(diffDb, shadow.noiseRule());
            CdcAccess cdc = effective.gates().needsCdc() || effective.movesOwnership() ? cdc(effective) : null;
            LiveView view = new LiveView(out, System.console() != null && !output.isJson());
            RampRunner runner = new RampRunner(client, route, diffs, cdc, output.isJson() ? new LiveView(new PrintWriter(
                    java.io.Writer.nullWriter()), false) : view, Clock.systemUTC());
            RampRunner.Outcome o = plan != null ? runner.start(plan, reason) : runner.resume(reason);
            if (output.isJson()) {
                ObjectNode n = JsonNodeFactory.instance.objectNode().put("route", route).put("rampId", o.rampId())
                        .put("completed", o.completed()).put("message", o.message());
                ObjectNode g = n.putObject("gates");
                o.lastGates().forEach(x -> g.set(x.gate(), x.json()));
                output.printJson(n);
            }
            if (!o.completed()) {
                throw CliException.failure(o.message());
            }
            return 0;
        } finally {
            if (diffDb != null) {
                diffDb.close();
            }
        }
    }

    private CdcAccess cdc(RampPlan plan) {
        if (cdcOptions.direction() != Direction.FORWARD) {
            throw CliException.usage("--direction " + cdcOptions.direction + ": the ramp's CDC gates read the forward syncer"
                    + " (expected: forward, the default)");
        }
        boolean needsMapping = plan.movesOwnership() || !plan.gates().verifyTables().isEmpty();
        CdcAccess access = new CdcAccess(cdcOptions.legacyDb(), cdcOptions.newDb(), needsMapping ? cdcOptions.mapping() : null,
                cdcOptions.slot, reverseSlot, CliEnvironment.of(spec).get("USER").orElse("unknown"));
        for (RampPlan.Step s : plan.steps()) {
            if (s instanceof RampPlan.Owner o && !access.knowsTable(o.table())) {
                throw CliException.usage("step " + o.text() + ": '" + o.table() + "' is not a new table of mapping "
                        + cdcOptions.mapping);
            }
        }
        for (String t : plan.gates().verifyTables()) {
            if (!access.knowsTable(t)) {
                throw CliException.usage("--verify-tables " + t + ": not a new table of mapping " + cdcOptions.mapping);
            }
        }
        return access;
    }

    private RampPlan plan() {
        try {
            PlanReader r = new PlanReader();
            if (planFile != null) {
                r.file(planFile);
            }
            if (steps != null) {
                r.steps(steps);
            }
            if (hold != null) {
                r.hold(hold);
            }
            if (checkInterval != null) {
                r.checkInterval(checkInterval);
            }
            if (maxWait != null) {
                r.maxWait(maxWait);
            }
            if (minRequests != null) {
                r.minRequests(minRequests);
            }
            if (maxErrorRatioIncrease != null) {
                r.maxErrorRatioIncrease(maxErrorRatioIncrease);
            }
            if (maxP99Ratio != null) {
                r.maxP99Ratio(maxP99Ratio);
            }
            if (p99Floor != null) {
                r.p99Floor(p99Floor);
            }
            if (maxMismatchRatio != null) {
                r.maxMismatchRatio(maxMismatchRatio);
            }
            if (minComparisons != null) {
                r.minComparisons(minComparisons);
            }
            if (maxCdcLag != null) {
                r.maxCdcLag(maxCdcLag);
            }
            if (maxDlqGrowth != null) {
                r.maxDlqGrowth(maxDlqGrowth);
            }
            if (verifyTables != null) {
                r.verifyTables(verifyTables);
            }
            if (verifyEvery != null) {
                r.verifyEvery(verifyEvery);
            }
            if (noGate != null) {
                noGate.forEach(r::off);
            }
            return r.build();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage(), e);
        }
    }
}
