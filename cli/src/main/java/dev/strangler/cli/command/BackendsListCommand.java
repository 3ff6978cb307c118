package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.OutputOptions;
import dev.strangler.cli.Table;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code strangler backends list}: every endpoint of every backend with its state. */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        description = "List every backend's endpoints: state, requests in flight, ejections, circuit, endpoints version.",
        footer = {"%nExamples:",
                "  strangler backends list",
                "  strangler backends list --output json | jq '.backends[] | {name, endpointsVersion}'",
                "%nSample output:",
                "  BACKEND       ENDPOINT       STATE     IN-FLIGHT  EJECTIONS  CIRCUIT  VERSION",
                "  appointments  10.0.1.5:8082  healthy   3          0          closed   2",
                "  appointments  10.0.1.6:8082  draining  1          0          closed   2"})
public final class BackendsListCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        JsonNode doc = admin.client().backends();
        if (output.isJson()) {
            output.printJson(doc);
            return 0;
        }
        Table table = new Table("BACKEND", "ENDPOINT", "STATE", "IN-FLIGHT", "EJECTIONS", "CIRCUIT", "VERSION");
        for (JsonNode b : doc.path("backends")) {
            String version = b.has("dns") ? "dns " + b.path("dns").path("name").asText()
                    : b.path("endpointsVersion").asText("-");
            for (JsonNode e : b.path("endpoints")) {
                table.row(b.path("name").asText(), e.path("address").asText(), e.path("state").asText(),
                        e.path("outstanding").asText(), e.path("ejections").asText(), b.path("circuit").asText(), version);
            }
        }
        if (table.size() == 0) {
            output.out().println("no backends");
        } else {
            table.print(output.out());
        }
        output.out().flush();
        return 0;
    }
}
