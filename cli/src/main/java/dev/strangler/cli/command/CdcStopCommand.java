package dev.strangler.cli.command;

import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.admin.SlotAdmin;
import dev.strangler.cli.CliException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strangler cdc stop --drop-slot}: retire a syncer for good, freeing the WAL its slot holds. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler cdc stop --slot strangler_fwd --drop-slot",
                "  strangler cdc stop --slot strangler_fwd --drop-slot --force"},
        description = "Retire a syncer: with --drop-slot, drop its replication slot, publication and stored offset.")
public final class CdcStopCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CdcOptions options;

    @Option(names = "--drop-slot", description = "drop the replication slot (the next run snapshots again)")
    boolean dropSlot;

    @Option(names = "--force", description = "terminate a syncer still streaming from the slot")
    boolean force;

    @Override
    public Integer call() {
        if (!dropSlot) {
            throw CliException.usage("nothing to do: stop a running `strangler cdc run` with Ctrl-C/SIGTERM;"
                    + " add --drop-slot to also drop its replication slot");
        }
        try {
            new SlotAdmin(options.sourceDb(), options.targetDb(), options.slot, options.direction()).dropSlot(force);
        } catch (CdcSyncException e) {
            throw CliException.failure(e.getMessage(), e);
        }
        spec.commandLine().getOut().println("slot " + options.slot + " dropped (publication and stored offset too)");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
