package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.OutputOptions;
import dev.strangler.cli.Weights;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strangler routes set-weight ID WEIGHT}: moves a share of a route's traffic to its target. */
@Command(name = "set-weight",
        mixinStandardHelpOptions = true,
        description = {"Send WEIGHT of a route's traffic to its target (the rest stays on legacy).",
                "Sticky keys keep their side when the weight rises: raising it only moves users legacy -> target.",
                "Takes effect at once on the proxy and is written to the audit log with your token's name."},
        footer = {"%nWEIGHT forms: " + Weights.FORMS_HELP + ".",
                "%nExamples:",
                "  strangler routes set-weight appointments 25%% --reason \"ramp step 3\"",
                "  strangler routes set-weight appointments 12.5%%",
                "  strangler routes set-weight appointments 2500bps --output json",
                "  strangler routes set-weight appointments 50%% --expected-version 7",
                "%nSample output:",
                "  appointments: 10%% -> 25%% (route table version 8)"})
public final class RoutesSetWeightCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "ID", description = "Route id, as in 'strangler routes list'.")
    String id;
    @Parameters(index = "1", paramLabel = "WEIGHT", converter = Weights.Converter.class,
            description = "25%%, 12.5%%, 0.01%% or 2500bps (0%%..100%%, 0bps..10000bps).")
    int weightBps;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log (recommended).")
    String reason;
    @Option(names = "--expected-version", paramLabel = "N",
            description = {"Only if the route is still at version N (\"version\" in 'strangler routes show ID -o json';",
                    "someone else's change in between makes it fail with 409 and change nothing)."})
    Long expectedVersion;
    @Mixin
    AdminOptions admin;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        if (expectedVersion != null && expectedVersion < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--expected-version: " + expectedVersion + " (expected: a route version >= 1, see 'strangler routes show ID -o json')");
        }
        JsonNode result = admin.client().setWeight(id, weightBps, reason, expectedVersion);
        if (output.isJson()) {
            output.printJson(result);
            return 0;
        }
        JsonNode route = result.path("route");
        output.out().println(route.path("id").asText(id) + ": "
                + Weights.format(result.path("previousWeightBps").asInt()) + " -> "
                + Weights.format(route.path("weightBps").asInt(weightBps))
                + " (route table version " + result.path("version").asText("?") + ")");
        output.out().flush();
        return 0;
    }
}
