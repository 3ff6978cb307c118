package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.cli.OutputOptions;
import dev.strangler.cli.Table;
import dev.strangler.cli.Weights;
import dev.strangler.cli.ramp.RampPlan;
import java.io.PrintWriter;
import java.time.Duration;

/** How a ramp plan reads for {@code --dry-run} and {@code ramp status}. */
final class RampPlanText {
    private RampPlanText() {
    }

    static void print(String route, RampPlan plan, OutputOptions output, PrintWriter out) {
        if (output.isJson()) {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("route", route).put("dryRun", true);
            n.set("plan", plan.toJson());
            output.printJson(n);
            return;
        }
        out.println("ramp " + route + " (dry run: nothing is changed)");
        Table steps = new Table("STEP", "ACTION", "ROUTE WEIGHT AFTER", "HOLD");
        for (int i = 0; i < plan.steps().size(); i++) {
            RampPlan.Step s = plan.steps().get(i);
            String action = s instanceof RampPlan.Owner o ? "write owner of " + o.table() + " -> " + o.owner()
                    + " (as 'cdc owner')" : "set weight " + s.text();
            steps.row(String.valueOf(i + 1), action, Weights.format(plan.weightAt(i)), d(plan.hold()));
        }
        steps.print(out);
        out.println();
        out.println("gates, checked every " + d(plan.checkInterval()) + "; a step passes once its hold is over and every gate"
                + " is ok; it may wait " + d(plan.maxWait()) + " more for enough data, then fails");
        RampPlan.Gates g = plan.gates();
        Table gates = new Table("GATE", "FAILS WHEN", "SOURCE");
        gates.row("errorRatio", g.maxErrorRatioIncrease() == null ? "off"
                : "target 5xx ratio > legacy's + " + pct(g.maxErrorRatioIncrease()) + " (after " + g.minRequests()
                + " target requests)", "proxy /metrics");
        gates.row("p99", g.maxP99Ratio() == null ? "off"
                : "target p99 > max(legacy p99 x " + g.maxP99Ratio() + ", " + d(g.p99Floor()) + ") (after "
                + g.minRequests() + " target requests)", "proxy /metrics");
        gates.row("mismatch", g.maxMismatchRatio() == null ? "off"
                : "mismatch ratio > " + pct(g.maxMismatchRatio()) + ", noise excluded (after " + g.minComparisons()
                + " comparisons)", "diff store");
        gates.row("cdcLag", g.maxCdcLag() == null ? "off" : "forward lag > " + d(g.maxCdcLag()), "cdc status");
        gates.row("dlqGrowth", g.maxDlqGrowth() == null ? "off" : "dead letters added since start > " + g.maxDlqGrowth(),
                "cdc status");
        gates.row("verify", g.verifyTables().isEmpty() ? "off"
                : "a row of " + String.join(",", g.verifyTables()) + " differs for longer than "
                + d(g.maxCdcLag() != null ? g.maxCdcLag() : java.time.Duration.ofSeconds(5)) + " (checked every "
                + d(g.verifyEvery()) + ")", "cdc verify");
        gates.print(out);
        out.flush();
    }

    static String d(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static String pct(double ratio) {
        return ShadowOptions.pct(ratio);
    }
}
