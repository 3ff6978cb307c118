package dev.strangler.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code strangler routes}: groups list, show and set-weight. */
@Command(name = "routes",
        mixinStandardHelpOptions = true,
        description = "Inspect the proxy's routes and move traffic between legacy and target.",
        subcommands = {RoutesListCommand.class, RoutesShowCommand.class, RoutesSetWeightCommand.class},
        footer = {"%nExamples:",
                "  strangler routes list",
                "  strangler routes show appointments --output json",
                "  strangler routes set-weight appointments 25%% --reason \"ramp step 3\""})
public final class RoutesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand (expected: list, show or set-weight)");
    }
}
