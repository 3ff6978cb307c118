package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.OutputOptions;
import dev.strangler.cli.Weights;
import dev.strangler.cli.ramp.RampRunner;
import dev.strangler.cli.ramp.RampState;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strangler ramp status ROUTE}: the route's latest ramp, read from the audit log. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the route's latest ramp (running, paused, complete, failed, aborted), read from the audit log.",
        footer = {"%nExamples:", "  strangler ramp status appointments", "  strangler ramp status appointments -o json",
                "%nSample output:",
                "  ramp #41 of appointments: running, step 3/6 (10%%)",
                "  started  2026-11-28T04:20:00Z by oncall (cutover CHG-4711)"})
public final class RampStatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "ROUTE", description = "Route id.")
    String route;
    @Mixin
    AdminOptions admin;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        var client = admin.client();
        RampState s = RampRunner.state(client, route);
        int weight = client.route(route).path("weightBps").asInt();
        if (output.isJson()) {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("route", route).put("status", s.status())
                    .put("rampId", s.rampId()).put("weightBps", weight);
            if (s.plan() != null) {
                n.put("step", s.step()).put("of", s.plan().steps().size());
                n.set("plan", s.plan().toJson());
                n.set("start", s.start());
                n.set("lastStep", s.lastStep());
                n.set("end", s.end());
            }
            output.printJson(n);
            return 0;
        }
        PrintWriter out = output.out();
        if (s.plan() == null) {
            out.println("route " + route + " has never been ramped (weight now " + Weights.format(weight) + ")");
            out.flush();
            return 0;
        }
        String step = s.step() < 0 ? "not started a step yet" : "step " + (s.step() + 1) + "/" + s.plan().steps().size()
                + " (" + s.plan().steps().get(s.step()).text() + ")";
        out.println("ramp #" + s.rampId() + " of " + route + ": " + s.status() + ", " + step);
        out.println("started  " + s.start().path("time").asText() + " by " + s.start().path("actor").asText()
                + reason(s.start()));
        out.println("plan     " + s.plan().stepsText() + "; hold " + RampPlanText.d(s.plan().hold()) + ", checks every "
                + RampPlanText.d(s.plan().checkInterval()));
        if (s.lastStep() != null) {
            out.println("step at  " + s.lastStep().path("time").asText());
        }
        out.println("weight   " + Weights.format(weight) + " now");
        if (s.end() != null) {
            out.println("ended    " + s.end().path("time").asText() + " " + s.end().path("action").asText() + " by "
                    + s.end().path("actor").asText() + reason(s.end()));
        } else if (s.status().equals("running") || s.status().equals("paused")) {
            out.println("note     the audit log says unfinished; if no 'strangler ramp' process drives it any more,"
                    + " continue with 'strangler ramp " + route + " --resume' or end it with 'strangler ramp abort " + route + "'");
        }
        out.flush();
        return 0;
    }

    private static String reason(JsonNode e) {
        String r = e.path("reason").asText();
        return r.isEmpty() ? "" : " (" + r + ")";
    }
}
