package dev.strangler.cli.command;

import dev.strangler.cli.AdminClient;
import dev.strangler.cli.Weights;
import dev.strangler.cli.ramp.RampState;
import picocli.CommandLine.Command;

/** {@code strangler ramp abort ROUTE}: ends the ramp and rolls the route back to 0% now. */
@Command(name = "abort", mixinStandardHelpOptions = true,
        description = {"End the route's ramp: writes ramp-abort and rolls the route back to 0%% at once (whether or not a",
                "ramp process is still running; a running one stops at its next check and hands back write ownership",
                "it moved)."},
        footer = {"%nExamples:", "  strangler ramp abort appointments --reason \"pager: 5xx on booking\""})
public final class RampAbortCommand extends RampControlCommand {

    @Override
    String act(AdminClient client) {
        RampState s = RampControl.append(client, target.route, "ramp-abort", target.reason);
        int before = client.route(target.route).path("weightBps").asInt();
        if (before > 0) {
            client.rollback(target.route, "ramp #" + s.rampId() + " aborted"
                    + (target.reason == null ? "" : ": " + target.reason), false);
        }
        return "ramp #" + s.rampId() + " of " + target.route + " aborted; route at 0%"
                + (before > 0 ? " (was " + Weights.format(before) + ")" : "");
    }
}
