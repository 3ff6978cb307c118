package dev.strangler.cli.command;

import dev.strangler.cli.AdminClient;
import dev.strangler.cli.ramp.RampState;
import picocli.CommandLine.Command;

/** {@code strangler ramp resume ROUTE}: writes {@code ramp-resume}; the running ramp obeys at its next check. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resume a paused ramp (its hold clock runs again). To continue a ramp whose process died, run 'strangler ramp ROUTE --resume' instead.",
        footer = {"%nExamples:", "  strangler ramp resume appointments --reason \"…\""})
public final class RampResumeCommand extends RampControlCommand {

    @Override
    String act(AdminClient client) {
        RampState s = RampControl.append(client, target.route, "ramp-resume", target.reason);
        return "ramp #" + s.rampId() + " of " + target.route + ": resume requested" + (s.paused() ? "" : " (it was not paused)");
    }
}
