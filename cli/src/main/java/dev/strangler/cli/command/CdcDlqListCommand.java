package dev.strangler.cli.command;

import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.admin.DeadLetterAdmin;
import dev.strangler.cli.CliException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strangler cdc dlq list}: id, table, operation, key, source position, reason. */
@Command(name = "list", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler cdc dlq list",
                "  strangler cdc dlq list --slot strangler_rev --direction reverse",
                "  strangler cdc dlq list --output json"},
        description = "List dead letters of the slot.")
public final class CdcDlqListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CdcOptions options;

    @Mixin
    dev.strangler.cli.OutputOptions output;

    @Override
    public Integer call() {
        List<DeadLetterAdmin.Entry> entries;
        try {
            entries = new DeadLetterAdmin(options.sourceDb(), options.targetDb(), options.mapping(), options.direction(),
                    options.slot).list();
        } catch (CdcSyncException e) {
            throw CliException.failure(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.isJson()) {
            var doc = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("slot", options.slot);
            var list = doc.putArray("deadLetters");
            entries.forEach(e -> list.addObject().put("id", e.id()).put("table", e.sourceTable()).put("op", e.op())
                    .put("key", e.key()).put("lsn", e.lsn()).put("reason", e.reason())
                    .put("createdAt", e.createdAt() == null ? null : e.createdAt().toString()));
            output.printJson(doc);
            return 0;
        }
        if (entries.isEmpty()) {
            out.println("no dead letters for slot " + options.slot);
        } else {
            out.printf("%-6s %-24s %-2s %-28s %-14s %s%n", "ID", "TABLE", "OP", "KEY", "LSN", "REASON");
            entries.forEach(e -> out.printf("%-6d %-24s %-2s %-28s %-14s %s%n", e.id(), e.sourceTable(), e.op(), e.key(),
                    e.lsn(), e.reason()));
        }
        out.flush();
        return 0;
    }
}
