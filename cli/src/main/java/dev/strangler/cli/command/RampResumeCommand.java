package dev.strangler.cli.command;

import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.ramp.RampState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strangler ramp resume ROUTE}: writes {@code ramp-resume}; the running ramp obeys at its next check. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resume a paused ramp (its hold clock runs again). To continue a ramp whose process died, run 'strangler ramp ROUTE --resume' instead.",
        footer = {"%nExamples:", "  strangler ramp resume appointments --reason \"…\""})
public final class RampResumeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RampTargetOptions target;
    @Mixin
    AdminOptions admin;

    @Override
    public Integer call() {
        RampState s = RampControl.append(admin.client(), target.route, "ramp-resume", target.reason);
        spec.commandLine().getOut().println("ramp #" + s.rampId() + " of " + target.route + ": resume requested"
                + (s.paused() ? "" : " (it was not paused)"));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
