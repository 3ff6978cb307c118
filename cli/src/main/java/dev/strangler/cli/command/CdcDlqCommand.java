package dev.strangler.cli.command;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strangler cdc dlq list|retry|discard}: changes that could not be applied. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler cdc dlq list",
                "  strangler cdc dlq retry --all",
                "  strangler cdc dlq discard 42"},
        description = "Dead letters: changes that could not be applied (reason and source position).",
        subcommands = {CdcDlqListCommand.class, CdcDlqRetryCommand.class, CdcDlqDiscardCommand.class})
public final class CdcDlqCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("strangler cdc dlq: missing subcommand (expected: list, retry or discard)");
        return CommandLine.ExitCode.USAGE;
    }
}
