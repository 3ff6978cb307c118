package dev.strangler.proxy;

import dev.strangler.proxy.YamlTree.MapNode;
import java.util.Locale;

/** Reads the long form of {@code listen}: {@code {address: host:port, reusePort: true}}. */
final class ListenReader {

    private ListenReader() {
    }

    static boolean reusePort(ConfigReader r, MapNode listen) {
        return bool(r, listen, "reusePort", "listen", false);
    }

    /** {@code true}/{@code false} (any case); {@code dflt} when absent; an error otherwise. */
    static boolean bool(ConfigReader r, MapNode m, String key, String path, boolean dflt) {
        String text = r.string(m, key, path, false);
        if (text == null) {
            return dflt;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                r.error(r.line(m, key), ConfigReader.join(path, key), "'" + text + "' (expected: true or false)");
                yield dflt;
            }
        };
    }
}
