package dev.strangler.cli.command;

import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.admin.Ownership;
import dev.strangler.cli.CliException;
import dev.strangler.cli.DurationConverter;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strangler cdc owner TABLE legacy|new|both}: who writes a table, which sync directions run. */
@Command(name = "owner", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler cdc owner appointments new --reason \"writes cut over\" --reverse-slot strangler_rev",
                "  strangler cdc owner appointments legacy --reason \"rollback\""},
        description = "Set a table's write owner (legacy → forward sync only, new → reverse only, both → both)."
                + " Refused while lag or dead letters are above their bounds; audited.")
public final class CdcOwnerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CdcOptions options;

    @Parameters(index = "0", paramLabel = "TABLE", description = "the new service's table name, as in the mapping")
    String table;

    @Parameters(index = "1", paramLabel = "OWNER", description = "legacy, new or both")
    String owner;

    @Option(names = "--reason", required = true, description = "why (recorded in the audit log)")
    String reason;

    @Option(names = "--actor", defaultValue = "${env:USER:-unknown}", description = "who (default: $USER)")
    String actor;

    @Option(names = "--reverse-slot", description = "also gate on this reverse syncer's slot (in the legacy database)")
    String reverseSlot;

    @Option(names = "--max-lag-ms", defaultValue = "5000", description = "refuse above this lag (default: ${DEFAULT-VALUE})")
    long maxLagMs;

    @Option(names = "--max-dlq", defaultValue = "0", description = "refuse above this many dead letters (default: ${DEFAULT-VALUE})")
    long maxDlq;

    @Option(names = "--await", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "then wait until the syncers of --slot and --reverse-slot apply the new owner (notified at"
                    + " once, re-read every 2 s at the latest); 0s does not wait (default: ${DEFAULT-VALUE})")
    Duration await;

    @Override
    public Integer call() {
        Ownership.Owner o;
        try {
            o = Ownership.Owner.parse(owner);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        if (options.mapping().byNewTable(table).isEmpty()) {
            throw CliException.usage("TABLE: '" + table + "' is not a new table of mapping " + options.mapping + " (expected one of "
                    + options.mapping().tables().stream().map(t -> t.newTable()).toList() + ")");
        }
        List<Ownership.SlotRef> gates = new ArrayList<>();
        gates.add(new Ownership.SlotRef(options.newDb(), options.slot));
        if (reverseSlot != null) {
            gates.add(new Ownership.SlotRef(options.legacyDb(), reverseSlot));
        }
        Ownership.Owner before;
        try {
            before = Ownership.change(options.newDb(), table, o, actor, reason, gates, maxLagMs, maxDlq);
        } catch (CdcSyncException e) {
            throw CliException.failure(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(table + ": owner " + before.id() + " → " + o.id() + " (audited)");
        out.flush();
        if (!await.isZero()) {
            awaitSyncers(out);
        }
        return 0;
    }

    /**
     * The change is recorded either way; a syncer that is not running applies it when it starts,
     * so not hearing from one is a warning, not a failure.
     */
    private void awaitSyncers(PrintWriter out) {
        List<String> slots = new ArrayList<>();
        slots.add(options.slot);
        if (reverseSlot != null) {
            slots.add(reverseSlot);
        }
        long t0 = System.nanoTime();
        List<String> pending;
        try {
            pending = Ownership.awaitApplied(options.newDb(), slots, await);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failure("interrupted while waiting for the syncers; the new owner is recorded", e);
        } catch (CdcSyncException e) {
            throw CliException.failure(e.getMessage() + " (the new owner is recorded)", e);
        }
        if (pending.isEmpty()) {
            out.printf("applied by the syncers of %s after %d ms%n", String.join(", ", slots), (System.nanoTime() - t0) / 1_000_000);
        } else {
            out.printf("WARN  not yet applied by the syncer of %s after %d ms: is it running? It applies the new owner"
                    + " when it streams again (`strangler cdc status --slot SLOT`)%n", String.join(", ", pending), await.toMillis());
        }
        out.flush();
    }
}
