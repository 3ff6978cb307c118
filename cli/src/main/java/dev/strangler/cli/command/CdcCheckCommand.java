package dev.strangler.cli.command;

import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.admin.SchemaCheck;
import dev.strangler.cli.CliException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strangler cdc check}: the mapping against both live schemas, every problem at once. */
@Command(name = "check", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler cdc check --legacy-db \"$STRANGLER_LEGACY_DB\" --new-db \"$STRANGLER_NEW_DB\" --mapping mappings/appointments.yaml",
                "  STRANGLER_CDC_MAPPING=mappings/appointments.yaml strangler cdc check --direction reverse"},
        description = "Validate the mapping against both live schemas before any row moves (all problems at once).")
public final class CdcCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CdcOptions options;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SchemaCheck.Report r;
        try {
            r = SchemaCheck.run(options.mapping(), options.legacyDb(), options.newDb());
        } catch (CdcSyncException e) {
            throw CliException.failure(e.getMessage(), e);
        }
        r.errors().forEach(e -> out.println("ERROR " + e));
        r.warnings().forEach(w -> out.println("WARN  " + w));
        out.println(r.ok() ? "mapping OK (" + r.warnings().size() + " warnings)" : r.errors().size() + " errors");
        out.flush();
        if (!r.ok()) {
            throw CliException.failure("mapping does not fit the schemas: " + r.errors().size() + " errors (listed above)");
        }
        return 0;
    }
}
