package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.proxy.backend.EndpointOverride;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last known route weights on disk
 * ({@code {"version":N,"weights":{"route":bps},"routeVersions":{"route":v}}}), so that a weight set
 * through the admin API survives a restart, and, with a control plane, so that a proxy can start
 * while the database is unreachable. Endpoint changes made at run time are kept alongside under
 * {@code "backends":{"name":{"endpoints":[…],"draining":[…],"version":N}}} for the same reasons. Written to a temp file and renamed over the old one, so a crash
 * leaves either the old or the new file, never half of one.
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

    /**
     * What a state file holds.
     *
     * @param tableVersion  table version when saved (0 when the file has none)
     * @param weights       weight by route id
     * @param routeVersions route version by route id (routes absent: version 1)
     */
    public record Saved(long tableVersion, Map<String, Integer> weights, Map<String, Long> routeVersions) {
    }

    /** Saved weights by route id; empty when no state was saved yet. */
    public Map<String, Integer> load() {
        return loadSaved().map(Saved::weights).orElseGet(LinkedHashMap::new);
    }

    /** The saved state, empty when no state was saved yet. */
    public java.util.Optional<Saved> loadSaved() {
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        try {
            JsonNode root = json.readTree(file.toFile());
            if (!root.has("version")) {
                return java.util.Optional.empty(); // only endpoint changes saved so far
            }
            Map<String, Integer> weights = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : root.path("weights").properties()) {
                if (e.getValue().canConvertToInt()) {
                    weights.put(e.getKey(), e.getValue().asInt());
                }
            }
            Map<String, Long> versions = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : root.path("routeVersions").properties()) {
                if (e.getValue().canConvertToLong() && e.getValue().asLong() > 0) {
                    versions.put(e.getKey(), e.getValue().asLong());
                }
            }
            return java.util.Optional.of(new Saved(root.path("version").asLong(0), weights, versions));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read route state " + file + " (fix or delete it)", e);
        }
    }

    /** Endpoint changes saved by backend name; empty when none was saved yet. */
    public synchronized Map<String, EndpointOverride> loadBackends() {
        Map<String, EndpointOverride> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (Map.Entry<String, JsonNode> e : json.readTree(file.toFile()).path("backends").properties()) {
                out.put(e.getKey(), EndpointOverrideJson.fromJson(e.getValue(), file + ": backends." + e.getKey()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read route state " + file + " (fix or delete it)", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (fix or delete the file)", e);
        }
    }

    /** Saves the endpoint changes atomically, keeping the weights. */
    public synchronized void saveBackends(Map<String, EndpointOverride> backends) {
        ObjectNode root = existing();
        ObjectNode b = root.putObject("backends");
        backends.forEach((name, o) -> b.set(name, EndpointOverrideJson.toJson(json, o)));
        write(root);
    }

    /** The file's object, or an empty one (none yet, or unreadable: it is about to be replaced). */
    private ObjectNode existing() {
        if (Files.exists(file)) {
            try {
                if (json.readTree(file.toFile()) instanceof ObjectNode o) {
                    return o;
                }
            } catch (IOException e) {
                // unreadable: the write replaces it with what this proxy knows
            }
        }
        return json.createObjectNode();
    }

    /** Saves the table's weights atomically, keeping the endpoint changes. */
    public synchronized void save(RouteTable table) {
        ObjectNode root = existing();
        root.put("version", table.version());
        ObjectNode weights = root.putObject("weights");
        ObjectNode versions = root.putObject("routeVersions");
        for (Route r : table.routes()) {
            weights.put(r.id(), r.weightBps());
            versions.put(r.id(), table.routeVersion(r.id()));
        }
        write(root);
    }

    private void write(ObjectNode root) {
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
