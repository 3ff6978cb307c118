package dev.strangler.cli.command;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cli.OutputOptions;
import dev.strangler.shadow.diff.Difference;
import dev.strangler.shadow.store.DiffQueries;
import dev.strangler.shadow.store.DiffStoreException;
import dev.strangler.shadow.store.EvidenceSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strangler shadow diffs ROUTE --field /path}: stored (redacted) examples, newest first. */
@Command(name = "diffs", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler shadow diffs appointments",
                "  strangler shadow diffs appointments --field /status --limit 20"},
        description = "Stored redacted examples of a route's differences, newest first.")
public final class ShadowDiffsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ShadowOptions options;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "ROUTE", description = "route id")
    String route;

    @Option(names = "--field", paramLabel = "POINTER", description = "only examples where this field differs, e.g. /status or /items/*/price")
    String field;

    @Option(names = "--limit", defaultValue = "10", description = "examples to list, 1..100 (default: ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit: " + limit + " (expected: 1..100)");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (HikariDataSource ds = options.dataSource()) {
            List<EvidenceSummary> examples = new DiffQueries(ds, options.noiseRule()).examples(route, field, limit);
            if (output.isJson()) {
                output.printJson(options.tree(examples));
            } else if (examples.isEmpty()) {
                out.println("no stored examples for route " + route + (field == null ? "" : " and field " + field));
            } else {
                for (EvidenceSummary e : examples) {
                    out.printf("#%d  %s  %s%s%n", e.id(), e.createdAt().toString().substring(0, 19) + "Z", e.requestLine(),
                            e.replayable() ? "" : "  (request redacted: not replayable)");
                    for (Difference d : e.differences()) {
                        out.printf("      %-8s %s%n", d.kind(), d.pointer());
                    }
                }
            }
            out.flush();
            return 0;
        } catch (DiffStoreException e) {
            throw ShadowOptions.failure(e);
        }
    }
}
