package dev.strangler.cli.command;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cli.OutputOptions;
import dev.strangler.shadow.Durations;
import dev.strangler.shadow.store.DiffQueries;
import dev.strangler.shadow.store.DiffStoreException;
import dev.strangler.shadow.store.RouteReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strangler shadow report [ROUTE] [--since 1h]}: comparisons, mismatch ratio, top and noise fields. */
@Command(name = "report", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler shadow report",
                "  strangler shadow report appointments --since 15m --top 5",
                "  strangler shadow report --output json"},
        description = "Per route: comparisons, matches, mismatch ratio (noise excluded), timeouts, top differing and noise fields.")
public final class ShadowReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ShadowOptions options;

    @Mixin
    OutputOptions output;

    @Parameters(arity = "0..1", paramLabel = "ROUTE", description = "one route (default: every route with comparisons)")
    String route;

    @Option(names = "--since", defaultValue = "1h", description = "window, e.g. 15m, 1h, 7d (default: ${DEFAULT-VALUE})")
    String since;

    @Option(names = "--top", defaultValue = "10", description = "top fields to show (default: ${DEFAULT-VALUE})")
    int top;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Duration window;
        try {
            window = Durations.parse(since);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--since: " + e.getMessage());
        }
        try (HikariDataSource ds = options.dataSource()) {
            DiffQueries queries = new DiffQueries(ds, options.noiseRule());
            Instant from = Instant.now().minus(window);
            List<String> routes = route != null ? List.of(route) : queries.routes(from);
            List<RouteReport> reports = new ArrayList<>();
            for (String r : routes) {
                reports.add(queries.report(r, from, top));
            }
            if (output.isJson()) {
                output.printJson(options.tree(reports));
            } else if (reports.isEmpty()) {
                out.println("no mirrored traffic in the last " + since);
            } else {
                reports.forEach(r -> print(out, r));
            }
            out.flush();
            return 0;
        } catch (DiffStoreException e) {
            throw ShadowOptions.failure(e);
        }
    }

    private void print(PrintWriter out, RouteReport r) {
        out.printf("route %s (last %s)%n", r.route(), since);
        out.printf("  comparisons %d  matches %d  mismatches %d  mismatch ratio %s (noise excluded)  timeouts %d  errors %d%n",
                r.comparisons(), r.matches(), r.mismatches(), ShadowOptions.pct(r.mismatchRatio()), r.timeouts(), r.errors());
        if (r.topFields().isEmpty()) {
            out.println("  no real differences");
        } else {
            out.printf("  %-36s %8s %8s  %-8s %-20s %-20s%n", "FIELD", "COUNT", "RATE", "KIND", "FIRST SEEN", "LAST SEEN");
            for (RouteReport.FieldStat f : r.topFields()) {
                out.printf("  %-36s %8d %8s  %-8s %-20s %-20s%n", f.field(), f.count(), ShadowOptions.pct(f.rate()),
                        f.lastKind(), f.firstSeen().toString().substring(0, 19) + "Z", f.lastSeen().toString().substring(0, 19) + "Z");
            }
        }
        if (!r.noiseFields().isEmpty()) {
            out.printf("  noise (discounted)%n  %-36s %18s %18s%n", "FIELD", "PRIMARY/PRIMARY", "PRIMARY/SHADOW");
            for (RouteReport.NoiseFieldStat n : r.noiseFields()) {
                out.printf("  %-36s %18s %18s%n", n.field(), ShadowOptions.pct(n.noiseRate()), ShadowOptions.pct(n.shadowRate()));
            }
        }
    }
}
