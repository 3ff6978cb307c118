package dev.strangler.cli.command;

import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.ramp.RampState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strangler ramp abort ROUTE}: ends the ramp and rolls the route back to 0% now. */
@Command(name = "abort", mixinStandardHelpOptions = true,
        description = {"End the route's ramp: writes ramp-abort and rolls the route back to 0%% at once (whether or not a",
                "ramp process is still running; a running one stops at its next check and hands back write ownership",
                "it moved)."},
        footer = {"%nExamples:", "  strangler ramp abort appointments --reason \"pager: 5xx on booking\""})
public final class RampAbortCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RampTargetOptions target;
    @Mixin
    AdminOptions admin;

    @Override
    public Integer call() {
        var client = admin.client();
        RampState s = RampControl.append(client, target.route, "ramp-abort", target.reason);
        int before = client.route(target.route).path("weightBps").asInt();
        if (before > 0) {
            client.rollback(target.route, "ramp #" + s.rampId() + " aborted"
                    + (target.reason == null ? "" : ": " + target.reason), false);
        }
        spec.commandLine().getOut().println("ramp #" + s.rampId() + " of " + target.route + " aborted; route at 0%"
                + (before > 0 ? " (was " + dev.strangler.cli.Weights.format(before) + ")" : ""));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
