package dev.strangler.cli.ramp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The monolith's error ratio and p99 the target is compared with. Taken from the current window
 * while the legacy side answers enough requests; kept from earlier windows (and across
 * {@code --resume}, via the {@code ramp-step} details) when it no longer does, e.g. at 100%.
 *
 * @param requests   requests the figures rest on (0: none known; then the bounds are the absolute floors)
 * @param errorRatio 5xx share
 * @param p99Seconds p99 latency
 */
public record LegacyReference(double requests, double errorRatio, double p99Seconds) {

    static final LegacyReference NONE = new LegacyReference(0, 0, 0);

    static LegacyReference of(ProxyFigures f) {
        return new LegacyReference(f.requests(), f.errorRatio(), f.quantile(0.99));
    }

    ObjectNode json() {
        return JsonNodeFactory.instance.objectNode().put("requests", requests).put("errorRatio", errorRatio)
                .put("p99Seconds", p99Seconds);
    }

    static LegacyReference fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            return NONE;
        }
        return new LegacyReference(n.path("requests").asDouble(), n.path("errorRatio").asDouble(), n.path("p99Seconds").asDouble());
    }
}
