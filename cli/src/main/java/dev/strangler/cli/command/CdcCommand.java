package dev.strangler.cli.command;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strangler cdc}: keep the legacy and new databases in step (Debezium CDC through a mapping). */
@Command(name = "cdc", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler cdc check --mapping mappings/appointments.yaml",
                "  strangler cdc run --slot strangler_fwd",
                "  strangler cdc status --output json"},
        description = "CDC sync between the legacy and new databases: check, run, status, stop, dlq, verify, owner.",
        subcommands = {CdcCheckCommand.class, CdcRunCommand.class, CdcStatusCommand.class, CdcStopCommand.class,
                CdcDlqCommand.class, CdcVerifyCommand.class, CdcOwnerCommand.class})
public final class CdcCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("strangler cdc: missing subcommand"
                + " (expected: check, run, status, stop, dlq, verify or owner)");
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }
}
