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

/** {@code strangler backends set NAME URL...}: replaces a backend's endpoint list. */
@Command(name = "set",
        mixinStandardHelpOptions = true,
        description = {"Replace a backend's endpoints (draining ones that stay listed come back into service).",
                "Endpoints gone from the list finish their in-flight requests and get no new ones."},
        footer = {"%nExamples:",
                "  strangler backends set appointments http://10.0.1.6:8082 http://10.0.1.7:8082 --reason \"task 5 replaced\"",
                "%nSample output:",
                "  appointments: 10.0.1.6:8082 healthy, 10.0.1.7:8082 healthy (endpoints version 5)"})
public final class BackendsSetCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "BACKEND", description = "Backend name, as in 'strangler backends list'.")
    String backend;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "URL", description = "Endpoints, http://host:port.")
    List<String> endpoints;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log (recommended).")
    String reason;
    @Option(names = "--expected-version", paramLabel = "N",
            description = "Only if the backend's endpoints are still at version N (else 409, nothing changes).")
    Long expectedVersion;
    @Mixin
    AdminOptions admin;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        ObjectNode body = JSON.createObjectNode();
        endpoints.forEach(body.putArray("endpoints")::add);
        return send(admin, output, backend, "endpoints", body, reason, expectedVersion);
    }

    static int send(AdminOptions admin, OutputOptions output, String backend, String op, ObjectNode body, String reason,
                    Long expectedVersion) {
        if (reason != null) {
            body.put("reason", reason);
        }
        if (expectedVersion != null) {
            body.put("expectedVersion", expectedVersion);
        }
        JsonNode result = admin.client().changeEndpoints(backend, op, body);
        if (output.isJson()) {
            output.printJson(result);
            return 0;
        }
        output.out().println(BackendsEndpointCommand.summary(result.path("backend")));
        output.out().flush();
        return 0;
    }
}
