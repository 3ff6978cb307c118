package dev.strangler.cli.command;

import dev.strangler.cdc.admin.DeadLetterAdmin;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code strangler cdc dlq discard ID|--all}. */
@Command(name = "discard", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler cdc dlq discard 42",
                "  strangler cdc dlq discard --all"},
        description = "Discard one dead letter or all of the slot's.")
public final class CdcDlqDiscardCommand extends CdcDlqAction {

    @Override
    int run(DeadLetterAdmin admin, Long id, PrintWriter out) {
        out.println(admin.discard(id) + " discarded");
        return 0;
    }
}
