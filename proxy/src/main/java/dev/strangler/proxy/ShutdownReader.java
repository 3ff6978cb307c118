package dev.strangler.proxy;

import dev.strangler.proxy.YamlTree.MapNode;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code shutdown: {drainDelay, grace}}. The old top-level {@code shutdownGrace} still works as
 * an alias of {@code shutdown.grace} (with a WARN); giving both is an error.
 */
final class ShutdownReader {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownReader.class);
    private static final Set<String> KEYS = Set.of("drainDelay", "grace");

    private ShutdownReader() {
    }

    static ShutdownConfig shutdown(ConfigReader r, MapNode root) {
        MapNode m = r.map(root.entries().get("shutdown"), "shutdown");
        Duration drainDelay = ShutdownConfig.DEFAULT_DRAIN_DELAY;
        Duration grace = ShutdownConfig.DEFAULT_GRACE;
        if (m != null) {
            r.checkKeys(m, "shutdown", KEYS);
            drainDelay = durationOrZero(r, m, "drainDelay", "shutdown", drainDelay);
            grace = r.duration(m, "grace", "shutdown", grace);
        }
        if (root.entries().containsKey("shutdownGrace")) {
            if (m != null && m.entries().containsKey("grace")) {
                r.error(r.line(root, "shutdownGrace"), "shutdownGrace",
                        "given together with shutdown.grace (expected: only shutdown.grace; shutdownGrace is its old name)");
            } else {
                grace = r.duration(root, "shutdownGrace", "", grace);
                LOG.warn("config key shutdownGrace is deprecated: write shutdown: {{grace: {}}} instead", grace);
            }
        }
        return new ShutdownConfig(drainDelay, grace);
    }

    /** Like {@link ConfigReader#duration} but also accepts 0 ({@code 0}, {@code 0s}, {@code 0ms}). */
    static Duration durationOrZero(ConfigReader r, MapNode m, String key, String path, Duration dflt) {
        String text = r.string(m, key, path, false);
        if (text != null && text.trim().matches("0+(ms|s|m|h)?")) {
            return Duration.ZERO;
        }
        return r.duration(m, key, path, dflt);
    }
}
