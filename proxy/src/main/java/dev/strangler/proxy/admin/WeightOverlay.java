package dev.strangler.proxy.admin;

import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a route table from the YAML routes (definitions, match order) and stored mutable state
 * (weights, route versions) from a state file or the control plane. Stored weights of routes the YAML
 * does not declare are ignored; a stored weight this proxy's route cannot take (above 0 on a route
 * without a target) is replaced by 0, the safe side, with a WARN.
 */
public final class WeightOverlay {

    private static final Logger LOG = LoggerFactory.getLogger(WeightOverlay.class);

    private WeightOverlay() {
    }

    /**
     * @param source names the state in log lines ({@code "routes-state.json"}, {@code "control plane"})
     */
    public static RouteTable table(List<Route> configured, long tableVersion, Map<String, Integer> weights,
                                   Map<String, Long> routeVersions, String source) {
        List<Route> out = new ArrayList<>(configured.size());
        Map<String, Long> versions = new LinkedHashMap<>();
        for (Route r : configured) {
            Integer w = weights.get(r.id());
            Long v = routeVersions.get(r.id());
            if (v != null) {
                versions.put(r.id(), v);
            }
            if (w == null || w == r.weightBps()) {
                out.add(r);
            } else if (w < 0 || w > Route.MAX_WEIGHT_BPS || (w > 0 && r.target() == null)) {
                LOG.warn("route {}: ignoring weight {} from {} (not valid for this route: it has no target here);"
                        + " serving {} bps", r.id(), w, source, w > 0 && r.target() == null ? 0 : r.weightBps());
                out.add(w > 0 && r.target() == null ? r.withWeight(0) : r);
            } else {
                LOG.debug("route {}: weight {} bps from {} (config says {})", r.id(), w, source, r.weightBps());
                out.add(r.withWeight(w));
            }
        }
        return new RouteTable(Math.max(1, tableVersion), out, versions);
    }
}
