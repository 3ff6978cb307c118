package dev.strangler.cli.command;

import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.admin.DeadLetterAdmin;
import dev.strangler.cli.CliException;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strangler cdc dlq discard ID|--all}. */
@Command(name = "discard", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler cdc dlq discard 42",
                "  strangler cdc dlq discard --all"},
        description = "Discard one dead letter or all of the slot's.")
public final class CdcDlqDiscardCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CdcOptions options;

    @ArgGroup(multiplicity = "1")
    Which which;

    /** Exactly one of an id or --all. */
    static final class Which {
        @Parameters(paramLabel = "ID", description = "dead letter id (see dlq list)")
        Long id;

        @Option(names = "--all", description = "every dead letter of the slot")
        boolean all;
    }

    @Override
    public Integer call() {
        DeadLetterAdmin admin = new DeadLetterAdmin(options.sourceDb(), options.targetDb(), options.mapping(),
                options.direction(), options.slot);
        try {
            return run(admin, which.all ? null : which.id);
        } catch (CdcSyncException e) {
            throw CliException.failure(e.getMessage(), e);
        }
    }

    private int run(DeadLetterAdmin admin, Long id) {
        int n = admin.discard(id);
        spec.commandLine().getOut().println(n + " discarded");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
