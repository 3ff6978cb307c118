package dev.strangler.cli.command;

import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.Direction;
import dev.strangler.cdc.verify.Verifier;
import dev.strangler.cli.CliException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strangler cdc verify [--repair]}: compare both sides through the mapping in key chunks. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler cdc verify",
                "  strangler cdc verify --repair --authority legacy",
                "  strangler cdc verify --chunk-size 1000"},
        description = "Compare both sides through the mapping (hashes per key chunk, then rows); exit 1 on differences.")
public final class CdcVerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CdcOptions options;

    @Option(names = "--repair", description = "re-copy differing rows from the authoritative side")
    boolean repair;

    @Option(names = "--authority", defaultValue = "legacy",
            description = "authoritative side: legacy or new (default: ${DEFAULT-VALUE})")
    String authority;

    @Option(names = "--chunk-size", defaultValue = "10000", description = "rows per chunk (default: ${DEFAULT-VALUE})")
    int chunkSize;

    @Override
    public Integer call() {
        Direction from = switch (authority) {
            case "legacy" -> Direction.FORWARD;
            case "new" -> Direction.REVERSE;
            default -> throw CliException.usage("--authority: '" + authority + "' (expected: legacy or new)");
        };
        if (chunkSize < 1) {
            throw CliException.usage("--chunk-size: " + chunkSize + " (expected: > 0)");
        }
        String auth = from == Direction.FORWARD ? options.legacyDb() : options.newDb();
        String checked = from == Direction.FORWARD ? options.newDb() : options.legacyDb();
        long t0 = System.nanoTime();
        Verifier.Report r;
        try {
            r = new Verifier(options.mapping(), from, chunkSize).run(auth, checked, repair);
        } catch (CdcSyncException e) {
            throw CliException.failure(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        r.mismatches().forEach(m -> out.println(m.kind() + " " + m.table() + " " + m.key()));
        out.printf("%d rows in %d chunks compared in %d ms: %d differing chunks, %d mismatching rows%s%n", r.rowsCompared(),
                r.chunks(), (System.nanoTime() - t0) / 1_000_000, r.differingChunks(), r.mismatches().size(),
                repair ? ", " + r.repaired() + " repaired" : "");
        out.flush();
        if (!r.clean() && !repair) {
            throw CliException.failure(r.mismatches().size() + " rows differ (listed above); --repair re-copies them");
        }
        return 0;
    }
}
