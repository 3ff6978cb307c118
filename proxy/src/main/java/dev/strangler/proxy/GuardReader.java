package dev.strangler.proxy;

import dev.strangler.proxy.YamlTree.MapNode;
import dev.strangler.proxy.guard.GuardConfig;
import dev.strangler.proxy.routing.Route;
import java.time.Duration;
import java.util.Set;

/** Reads {@code routes[].guard: {window, minRequests, maxErrorRatio, maxP99}}; absent keys take the defaults. */
final class GuardReader {

    private static final Set<String> KEYS = Set.of("window", "minRequests", "maxErrorRatio", "maxP99");

    private GuardReader() {
    }

    /** The route's guard, or null when it has none (or it is invalid: then an error is recorded). */
    static GuardConfig guard(ConfigReader r, MapNode routeNode, String routePath, Route route) {
        if (!routeNode.entries().containsKey("guard")) {
            return null;
        }
        String at = routePath + ".guard";
        MapNode m = r.map(routeNode.entries().get("guard"), at);
        if (m == null) {
            return null;
        }
        r.checkKeys(m, at, KEYS);
        if (route.target() == null) {
            r.error(m.line(), at, "route '" + route.id() + "' has no target; a guard watches the target's answers (add target: NAME or remove guard)");
            return null;
        }
        GuardConfig d = GuardConfig.defaults();
        int before = r.errors().size();
        Duration window = r.duration(m, "window", at, d.window());
        if (window.toMillis() % 1000 != 0 || window.compareTo(GuardConfig.MAX_WINDOW) > 0) {
            r.error(r.line(m, "window"), at + ".window", window.toMillis() + " ms (expected: whole seconds, 1s..1h)");
        }
        Long min = r.integer(m, "minRequests", at, d.minRequests(), 1, 100_000_000);
        double ratio = ratio(r, m, "maxErrorRatio", at, d.maxErrorRatio());
        Duration p99 = d.maxP99();
        String p99Text = r.string(m, "maxP99", at, false);
        if (p99Text != null && p99Text.trim().equals("off")) {
            p99 = null;
        } else if (p99Text != null) {
            p99 = r.duration(m, "maxP99", at, d.maxP99());
        }
        if (r.errors().size() > before || min == null) {
            return null;
        }
        return new GuardConfig(window, min, ratio, p99);
    }

    private static double ratio(ConfigReader r, MapNode m, String key, String at, double dflt) {
        String text = r.string(m, key, at, false);
        if (text == null) {
            return dflt;
        }
        try {
            double v = Double.parseDouble(text.trim());
            if (v >= 0 && v <= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below, with the expected form
        }
        r.error(r.line(m, key), at + "." + key, "'" + text + "' (expected: a ratio 0..1, e.g. 0.05 for 5 %)");
        return dflt;
    }
}
