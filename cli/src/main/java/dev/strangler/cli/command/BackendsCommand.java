package dev.strangler.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code strangler backends}: groups list, set, add, remove and drain. */
@Command(name = "backends",
        mixinStandardHelpOptions = true,
        description = {"Inspect backends' endpoints and change them at run time.",
                "Changes are committed to the proxy's state file, or with a control plane to the database,",
                "which carries them to every proxy of the fleet; they survive restarts. DNS backends cannot be edited."},
        subcommands = {BackendsListCommand.class, BackendsSetCommand.class, BackendsEndpointCommand.Add.class,
                BackendsEndpointCommand.Remove.class, BackendsEndpointCommand.Drain.class},
        footer = {"%nExamples:",
                "  strangler backends list",
                "  strangler backends drain appointments http://10.0.1.6:8082 --reason deploy",
                "  strangler backends add appointments http://10.0.1.8:8082 --reason \"scale out\""})
public final class BackendsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand (expected: list, set, add, remove or drain)");
    }
}
