package dev.strangler.cli.command;

import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.ramp.RampState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strangler ramp pause ROUTE}: writes {@code ramp-pause}; the running ramp obeys at its next check. */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = "Pause the route's running ramp: it keeps the current weight and keeps checking gates (a failing gate still rolls back), but its hold clock stops until 'strangler ramp resume'.",
        footer = {"%nExamples:", "  strangler ramp pause appointments --reason \"…\""})
public final class RampPauseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "ROUTE", description = "Route id.")
    String route;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log.")
    String reason;
    @Mixin
    AdminOptions admin;

    @Override
    public Integer call() {
        RampState s = RampControl.append(admin.client(), route, "ramp-pause", reason);
        spec.commandLine().getOut().println("ramp #" + s.rampId() + " of " + route + ": pause requested (the running ramp"
                + " obeys at its next check)");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
