package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last known route weights on disk ({@code {"version":N,"weights":{"route":bps}}}), so that a
 * weight set through the admin API survives a restart. Written to a temp file and renamed over the
 * old one, so a crash leaves either the old or the new file, never half of one.
 */
public final class RouteStateStore {

    private final Path file;
    private final ObjectMapper json;

    public RouteStateStore(Path file, ObjectMapper json) {
        this.file = file;
        this.json = json;
    }

    public Path file() {
        return file;
    }

    /** Saved weights by route id; empty when no state was saved yet. */
    public Map<String, Integer> load() {
        Map<String, Integer> weights = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return weights;
        }
        try {
            JsonNode root = json.readTree(file.toFile());
            Iterator<Map.Entry<String, JsonNode>> it = root.path("weights").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().canConvertToInt()) {
                    weights.put(e.getKey(), e.getValue().asInt());
                }
            }
            return weights;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read route state " + file + " (fix or delete it)", e);
        }
    }

    /** Saves the table's weights atomically. */
    public synchronized void save(RouteTable table) {
        ObjectNode root = json.createObjectNode();
        root.put("version", table.version());
        ObjectNode weights = root.putObject("weights");
        for (Route r : table.routes()) {
            weights.put(r.id(), r.weightBps());
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write route state " + file, e);
        }
    }
}
