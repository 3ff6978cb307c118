package dev.strangler.cli.command;

import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.admin.DeadLetterAdmin;
import dev.strangler.cli.CliException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What {@code cdc dlq retry} and {@code cdc dlq discard} share: the slot's options and {@code ID|--all}. */
abstract class CdcDlqAction implements Callable<Integer> {

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
    public final Integer call() {
        DeadLetterAdmin admin = new DeadLetterAdmin(options.sourceDb(), options.targetDb(), options.mapping(),
                options.direction(), options.slot);
        try {
            int exit = run(admin, which.all ? null : which.id, spec.commandLine().getOut());
            spec.commandLine().getOut().flush();
            return exit;
        } catch (CdcSyncException e) {
            throw CliException.failure(e.getMessage(), e);
        }
    }

    /** Acts on dead letter {@code id} (null: all of the slot's), prints one line, returns the exit code. */
    abstract int run(DeadLetterAdmin admin, Long id, PrintWriter out);
}
