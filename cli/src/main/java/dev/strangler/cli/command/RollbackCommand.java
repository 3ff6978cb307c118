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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strangler rollback ID | --all}: weight 0 at once, so new requests go to legacy.
 *
 * <p>{@code --reason} is required with {@code --all} (rolling everything back is an incident
 * and the audit log must say why) and recommended for one route: on-call should not be slowed
 * down typing, so it only warns.
 */
@Command(name = "rollback",
        mixinStandardHelpOptions = true,
        description = {"Send all of a route's traffic (or every route's) back to legacy, at once.",
                "In-flight requests finish; new requests go to legacy. Written to the audit log."},
        footer = {"%n--reason is required with --all and recommended otherwise.",
                "%nExamples:",
                "  strangler rollback appointments --reason \"5xx spike on v2\"",
                "  strangler rollback --all --reason \"incident 4711\"",
                "  strangler rollback video-sessions --force --reason \"sessions stuck\"",
                "%nSample output:",
                "  ROUTE         BEFORE  AFTER",
                "  appointments  25%%     0%%",
                "  closed 0 WebSocket sessions (route table version 9)"})
public final class RollbackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "Route to roll back.")
    String id;
    @Option(names = "--all", description = "Roll back every route that has a target.")
    boolean all;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log.")
    String reason;
    @Option(names = "--force",
            description = "Also close open WebSocket sessions on the target (close code 1001), not only new requests.")
    boolean force;
    @Mixin
    AdminOptions admin;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        if ((id == null) == !all) {
            throw new ParameterException(spec.commandLine(), id == null
                    ? "name a route or use --all (e.g. strangler rollback appointments)"
                    : "give either a route id or --all, not both");
        }
        if (reason != null && reason.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--reason is blank (say why, for the audit log)");
        }
        if (all && reason == null) {
            throw new ParameterException(spec.commandLine(),
                    "--all needs --reason \"...\" (rolling back every route must say why, for the audit log)");
        }
        if (reason == null) {
            spec.commandLine().getErr().println(
                    "strangler: warning: no --reason given; the audit log records an empty reason");
            spec.commandLine().getErr().flush();
        }
        JsonNode result = admin.client().rollback(all ? null : id, reason, force);
        if (output.isJson()) {
            output.printJson(result);
            return 0;
        }
        Table table = new Table("ROUTE", "BEFORE", "AFTER");
        for (JsonNode rolled : result.path("rolledBack")) {
            table.row(rolled.path("id").asText(), Weights.format(rolled.path("previousWeightBps").asInt()), "0%");
        }
        if (table.size() == 0) {
            output.out().println("nothing to roll back: no route has a target");
        } else {
            table.print(output.out());
        }
        output.out().println("closed " + result.path("closedWebSockets").asInt() + " WebSocket sessions"
                + " (route table version " + result.path("version").asText("?") + ")");
        output.out().flush();
        return 0;
    }
}
