package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.strangler.cli.AdminClient;
import dev.strangler.cli.CliException;
import dev.strangler.cli.ramp.RampRunner;
import dev.strangler.cli.ramp.RampState;

/** Writes a control entry ({@code ramp-pause}, {@code ramp-resume}, {@code ramp-abort}) for a route's unfinished ramp. */
final class RampControl {
    private RampControl() {
    }

    static RampState append(AdminClient client, String route, String action, String reason) {
        RampState s = RampRunner.state(client, route);
        if (!s.active()) {
            throw CliException.failure("route " + route + " has no unfinished ramp (last ramp: " + s.status() + ")");
        }
        client.appendAudit(action, route, reason, JsonNodeFactory.instance.objectNode().put("rampId", s.rampId()));
        return s;
    }
}
