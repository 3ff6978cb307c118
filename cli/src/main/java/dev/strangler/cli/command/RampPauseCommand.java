package dev.strangler.cli.command;

import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.ramp.RampState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strangler ramp pause ROUTE}: writes {@code ramp-pause}; the running ramp obeys at its next check. */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = "Pause the route's running ramp: it keeps the current weight and keeps checking gates (a failing gate still rolls back), but its hold clock stops until 'strangler ramp resume'.",
        footer = {"%nExamples:", "  strangler ramp pause appointments --reason \"…\""})
public final class RampPauseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RampTargetOptions target;
    @Mixin
    AdminOptions admin;

    @Override
    public Integer call() {
        RampState s = RampControl.append(admin.client(), target.route, "ramp-pause", target.reason);
        spec.commandLine().getOut().println("ramp #" + s.rampId() + " of " + target.route + ": pause requested (the running ramp"
                + " obeys at its next check)");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
