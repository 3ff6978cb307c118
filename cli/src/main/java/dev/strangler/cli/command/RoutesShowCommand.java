package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.OutputOptions;
import dev.strangler.cli.Table;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code strangler routes show ID}: one route in full. */
@Command(name = "show",
        mixinStandardHelpOptions = true,
        description = "Show one route in full.",
        footer = {"%nExamples:",
                "  strangler routes show appointments",
                "  strangler routes show appointments --output json",
                "%nSample output:",
                "  FIELD    VALUE",
                "  id       appointments",
                "  match    /api/appointments* GET,POST",
                "  legacy   monolith",
                "  target   appointments",
                "  weight   25%% (2500 bps)",
                "  sticky   header X-Patient-Id",
                "  rewrite  /api/appointments -> /v2/appointments"})
public final class RoutesShowCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "Route id, as in 'strangler routes list'.")
    String id;
    @Mixin
    AdminOptions admin;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        JsonNode route = admin.client().route(id);
        if (output.isJson()) {
            output.printJson(route);
            return 0;
        }
        new Table("FIELD", "VALUE")
                .row("id", route.path("id").asText())
                .row("match", RouteText.match(route))
                .row("legacy", RouteText.text(route.path("legacy")))
                .row("target", RouteText.text(route.path("target")))
                .row("weight", RouteText.weightLong(route.path("weightBps").asInt()))
                .row("sticky", RouteText.sticky(route))
                .row("rewrite", RouteText.rewrite(route))
                .print(output.out());
        return 0;
    }
}
