package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.OutputOptions;
import dev.strangler.cli.Table;
import dev.strangler.cli.Weights;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code strangler audit}: who changed which weight, when, and why (needs a token). */
@Command(name = "audit",
        mixinStandardHelpOptions = true,
        subcommands = {AuditExportCommand.class, AuditVerifyCommand.class},
        description = {"Show the newest route changes from the proxy's audit log, oldest first. Needs a token.",
                "Entries tools wrote (ramp steps, gate failures) add a DETAILS column, shortened; "
                        + "--output json has them in full."},
        footer = {"%nExamples:",
                "  strangler audit",
                "  strangler audit --route appointments --limit 100 --output json",
                "  strangler audit export --since 2026-11-01 --out audit-2026-11.jsonl",
                "  strangler audit verify audit-2026-11.jsonl",
                "%nSample output:",
                "  TIME                      ACTOR   ACTION      ROUTE         BEFORE  AFTER  REASON",
                "  2026-11-28T04:20:00.123Z  oncall  set-weight  appointments  0%%      25%%    ramp step 3"})
public final class AuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "How many of the newest entries (1..10000, default: ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--route", paramLabel = "ID", description = "Only entries of this route.")
    String route;
    @Mixin
    AdminOptions admin;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 10_000) {
            throw new ParameterException(spec.commandLine(), "--limit " + limit + " (expected: 1..10000)");
        }
        JsonNode doc = admin.client().audit(route, 0, limit);
        if (output.isJson()) {
            output.printJson(doc);
            return 0;
        }
        boolean details = false;
        for (JsonNode entry : doc.path("entries")) {
            details |= !entry.path("details").isEmpty();
        }
        Table table = details
                ? new Table("TIME", "ACTOR", "ACTION", "ROUTE", "BEFORE", "AFTER", "REASON", "DETAILS")
                : new Table("TIME", "ACTOR", "ACTION", "ROUTE", "BEFORE", "AFTER", "REASON");
        for (JsonNode entry : doc.path("entries")) {
            Object[] cells = {entry.path("time").asText(), RouteText.text(entry.path("actor")),
                    RouteText.text(entry.path("action")), RouteText.text(entry.path("route")),
                    weight(entry.path("before")), weight(entry.path("after")), RouteText.text(entry.path("reason")),
                    AuditDetails.compact(entry.path("details"), AuditDetails.TABLE_WIDTH)};
            table.row(details ? cells : java.util.Arrays.copyOf(cells, 7));
        }
        if (table.size() == 0) {
            output.out().println("no audit entries");
        } else {
            table.print(output.out());
        }
        output.out().flush();
        return 0;
    }

    private static String weight(JsonNode side) {
        JsonNode bps = side.path("weightBps");
        return bps.isNumber() ? Weights.format(bps.asInt()) : null;
    }
}
