package dev.strangler.cli.command;

import dev.strangler.cli.AdminClient;
import dev.strangler.cli.ramp.RampState;
import picocli.CommandLine.Command;

/** {@code strangler ramp pause ROUTE}: writes {@code ramp-pause}; the running ramp obeys at its next check. */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = "Pause the route's running ramp: it keeps the current weight and keeps checking gates (a failing gate still rolls back), but its hold clock stops until 'strangler ramp resume'.",
        footer = {"%nExamples:", "  strangler ramp pause appointments --reason \"…\""})
public final class RampPauseCommand extends RampControlCommand {

    @Override
    String act(AdminClient client) {
        RampState s = RampControl.append(client, target.route, "ramp-pause", target.reason);
        return "ramp #" + s.rampId() + " of " + target.route + ": pause requested (the running ramp obeys at its next check)";
    }
}
