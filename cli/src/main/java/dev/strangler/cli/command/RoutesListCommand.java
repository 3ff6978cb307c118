package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.OutputOptions;
import dev.strangler.cli.Table;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code strangler routes list}: every route with its weight. */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        description = "List the proxy's routes: match, legacy and target backends, weight, stickiness.",
        footer = {"%nExamples:",
                "  strangler routes list",
                "  strangler routes list --output json | jq '.routes[] | {id, weightBps}'",
                "%nSample output:",
                "  ID            MATCH                       LEGACY    TARGET        WEIGHT  STICKY",
                "  appointments  /api/appointments* GET,POST  monolith  appointments  25%%     header X-Patient-Id",
                "  route table version 7"})
public final class RoutesListCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        JsonNode doc = admin.client().routes();
        if (output.isJson()) {
            output.printJson(doc);
            return 0;
        }
        Table table = new Table("ID", "MATCH", "LEGACY", "TARGET", "WEIGHT", "STICKY");
        for (JsonNode route : doc.path("routes")) {
            table.row(route.path("id").asText(), RouteText.match(route), RouteText.text(route.path("legacy")),
                    RouteText.text(route.path("target")), RouteText.weight(route), RouteText.sticky(route));
        }
        if (table.size() == 0) {
            output.out().println("no routes (route table version " + doc.path("version").asText("?") + ")");
        } else {
            table.print(output.out());
            output.out().println("route table version " + doc.path("version").asText("?"));
        }
        output.out().flush();
        return 0;
    }
}
