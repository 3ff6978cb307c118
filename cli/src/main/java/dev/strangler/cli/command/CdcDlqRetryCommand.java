package dev.strangler.cli.command;

import dev.strangler.cdc.admin.DeadLetterAdmin;
import dev.strangler.cli.CliException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code strangler cdc dlq retry ID|--all}. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler cdc dlq retry 42",
                "  strangler cdc dlq retry --all"},
        description = "Retry one dead letter or all of the slot's: re-reads the row from the source and applies its current state.")
public final class CdcDlqRetryCommand extends CdcDlqAction {

    @Override
    int run(DeadLetterAdmin admin, Long id, PrintWriter out) {
        DeadLetterAdmin.RetryResult r = admin.retry(id);
        out.println(r.applied() + " applied, " + r.stillFailing() + " still failing");
        if (r.stillFailing() > 0) {
            out.flush();
            throw CliException.failure(r.stillFailing() + " dead letters still fail; see `strangler cdc dlq list` for reasons");
        }
        return 0;
    }
}
