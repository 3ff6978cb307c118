package dev.strangler.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code strangler} command: parses, dispatches to a subcommand, exits. */
@Command(name = "strangler",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Strangler-fig migration toolkit: routing proxy, CDC sync, shadow comparison.",
        subcommands = {CommandLine.HelpCommand.class,
                dev.strangler.cli.command.ShadowCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The fully wired command line; tests call this to run commands in-process. */
    public static CommandLine newCommandLine() {
        return new CommandLine(new Main());
    }
}
