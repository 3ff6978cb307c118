package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.OutputOptions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strangler backends add|remove|drain NAME URL}: one endpoint change through the admin API
 * ({@code POST /api/backends/{name}/{op}}); the subclasses only name the operation.
 */
public abstract class BackendsEndpointCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "BACKEND", description = "Backend name, as in 'strangler backends list'.")
    String backend;
    @Parameters(index = "1", paramLabel = "URL", description = "The endpoint, http://host:port.")
    String endpoint;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log (recommended).")
    String reason;
    @Option(names = "--expected-version", paramLabel = "N",
            description = {"Only if the backend's endpoints are still at version N (VERSION in 'strangler backends list';",
                    "someone else's change in between makes it fail with 409 and change nothing)."})
    Long expectedVersion;
    @Mixin
    AdminOptions admin;
    @Mixin
    OutputOptions output;

    /** The admin API operation: add, remove or drain. */
    abstract String op();

    @Override
    public Integer call() {
        ObjectNode body = JSON.createObjectNode().put("endpoint", endpoint);
        return BackendsSetCommand.send(admin, output, backend, op(), body, reason, expectedVersion);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add an endpoint to a backend (or take a draining one back into service), on every proxy of the fleet.",
            footer = {"%nExamples:",
                    "  strangler backends add appointments http://10.0.1.8:8082 --reason \"scale out\"",
                    "%nSample output:",
                    "  appointments: 10.0.1.5:8082 healthy, 10.0.1.8:8082 healthy (endpoints version 3)"})
    public static final class Add extends BackendsEndpointCommand {
        @Override
        String op() {
            return "add";
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove an endpoint from a backend: its in-flight requests finish, it gets no new ones.",
            footer = {"%nExamples:",
                    "  strangler backends remove appointments http://10.0.1.6:8082 --reason \"task stopped\"",
                    "  strangler backends remove appointments http://10.0.1.6:8082 --expected-version 4"})
    public static final class Remove extends BackendsEndpointCommand {
        @Override
        String op() {
            return "remove";
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Drain an endpoint: it finishes its in-flight requests and gets no new ones (stays listed).",
            footer = {"%nExamples:",
                    "  strangler backends drain appointments http://10.0.1.6:8082 --reason deploy"})
    public static final class Drain extends BackendsEndpointCommand {
        @Override
        String op() {
            return "drain";
        }
    }

    /** "name: addr state, addr state (endpoints version N)". */
    static String summary(JsonNode backend) {
        List<String> eps = new java.util.ArrayList<>();
        for (JsonNode e : backend.path("endpoints")) {
            eps.add(e.path("address").asText() + " " + e.path("state").asText());
        }
        return backend.path("name").asText() + ": " + String.join(", ", eps) + " (endpoints version "
                + backend.path("endpointsVersion").asText("?") + ")";
    }
}
