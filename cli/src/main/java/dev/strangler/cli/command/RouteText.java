package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.cli.Weights;
import java.util.ArrayList;
import java.util.List;

/** How a ROUTE document of the admin API (docs/admin-api.md) reads in a table. */
final class RouteText {
    private RouteText() {
    }

    /** {@code /api/appointments* GET,POST}, or the pattern; "any method" when none are listed. */
    static String match(JsonNode route) {
        JsonNode match = route.path("match");
        String path = text(match.path("pathPrefix"));
        path = path != null ? path + "*" : text(match.path("pathPattern"));
        List<String> parts = new ArrayList<>();
        parts.add(path == null ? "*" : path);
        List<String> methods = new ArrayList<>();
        match.path("methods").forEach(m -> methods.add(m.asText()));
        if (!methods.isEmpty()) {
            parts.add(String.join(",", methods));
        }
        match.path("headers").fields().forEachRemaining(h -> parts.add(h.getKey() + "=" + h.getValue().asText()));
        return String.join(" ", parts);
    }

    /** {@code 25%}. */
    static String weight(JsonNode route) {
        return Weights.format(route.path("weightBps").asInt());
    }

    /** {@code 25% (2500 bps)}. */
    static String weightLong(int bps) {
        return Weights.format(bps) + " (" + bps + " bps)";
    }

    /** {@code header X-Patient-Id}, {@code cookie sid}, {@code jwt claim sub}, or null when not sticky. */
    static String sticky(JsonNode route) {
        JsonNode sticky = route.path("sticky");
        if (text(sticky.path("header")) != null) {
            return "header " + sticky.path("header").asText();
        }
        if (text(sticky.path("cookie")) != null) {
            return "cookie " + sticky.path("cookie").asText();
        }
        if (text(sticky.path("jwtClaim")) != null) {
            return "jwt claim " + sticky.path("jwtClaim").asText();
        }
        return null;
    }

    /** {@code /api/appointments -> /v2/appointments}, or null. */
    static String rewrite(JsonNode route) {
        JsonNode rewrite = route.path("rewrite");
        String prefix = text(rewrite.path("prefix"));
        return prefix == null ? null : prefix + " -> " + rewrite.path("replacement").asText("");
    }

    /** The text of a node, null for missing, null or empty. */
    static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() || node.asText().isEmpty() ? null : node.asText();
    }
}
