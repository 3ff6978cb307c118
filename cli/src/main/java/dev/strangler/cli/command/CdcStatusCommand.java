package dev.strangler.cli.command;

import dev.strangler.cdc.CdcStatus;
import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.admin.SlotAdmin;
import dev.strangler.cli.CliException;
import dev.strangler.cli.OutputOptions;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strangler cdc status}: slot, position, lag, rows/s, dead letters, retained WAL. */
@Command(name = "status", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler cdc status",
                "  strangler cdc status --slot strangler_rev --direction reverse",
                "  strangler cdc status --output json"},
        description = "Show the syncer's slot, applied position, lag, rows/s, dead-letter count and retained WAL.")
public final class CdcStatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CdcOptions options;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        CdcStatus s;
        try {
            s = new SlotAdmin(options.sourceDb(), options.targetDb(), options.slot, options.direction()).status();
        } catch (CdcSyncException e) {
            throw CliException.failure(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.isJson()) {
            var n = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
            n.put("slot", s.slot()).put("direction", s.direction().id()).put("state", s.role()).put("position", s.lsn())
                    .put("lagMs", s.lagMs()).put("rowsPerSecond", s.rowsPerSecond()).put("deadLetters", s.dlqSize())
                    .put("retainedWalBytes", s.retainedWalBytes()).put("note", s.lastError());
            n.putPOJO("stoppedTables", s.stoppedTables());
            output.printJson(n);
            return 0;
        }
        out.printf(Locale.ROOT, "slot        %s (%s)%n", s.slot(), s.direction().id());
        out.printf(Locale.ROOT, "state       %s%n", s.role());
        out.printf(Locale.ROOT, "position    %s%n", s.lsn() == null ? "-" : s.lsn());
        out.printf(Locale.ROOT, "lag         %s%n", s.lagMs() < 0 ? "-" : s.lagMs() + " ms");
        out.printf(Locale.ROOT, "rows/s      %.1f%n", s.rowsPerSecond());
        out.printf(Locale.ROOT, "dead letters %d%n", s.dlqSize());
        out.printf(Locale.ROOT, "retained WAL %s%n", s.retainedWalBytes() < 0 ? "-" : (s.retainedWalBytes() >> 10) + " kB");
        s.stoppedTables().values().forEach(t -> out.println("stopped     " + t));
        if (s.lastError() != null) {
            out.println("note        " + s.lastError());
        }
        out.flush();
        return 0;
    }
}
