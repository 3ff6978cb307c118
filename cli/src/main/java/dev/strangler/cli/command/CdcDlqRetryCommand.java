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

/** {@code strangler cdc dlq retry ID|--all}. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler cdc dlq retry 42",
                "  strangler cdc dlq retry --all"},
        description = "Retry one dead letter or all of the slot's: re-reads the row from the source and applies its current state.")
public final class CdcDlqRetryCommand implements Callable<Integer> {

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
        DeadLetterAdmin.RetryResult r = admin.retry(id);
        spec.commandLine().getOut().println(r.applied() + " applied, " + r.stillFailing() + " still failing");
        spec.commandLine().getOut().flush();
        if (r.stillFailing() > 0) {
            throw CliException.failure(r.stillFailing() + " dead letters still fail; see `strangler cdc dlq list` for reasons");
        }
        return 0;
    }
}
