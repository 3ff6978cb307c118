package dev.strangler.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user's CLI defaults, {@code ~/.strangler/config.yaml} (or {@code $STRANGLER_CONFIG}):
 * the lowest level of the precedence flags &gt; environment &gt; config file.
 *
 * <pre>
 * admin: http://10.0.3.7:9901     # like --admin / STRANGLER_ADMIN_URL
 * tokenFile: ~/.strangler/token    # like --token-file; relative paths are relative to this file
 * output: table                    # like --output / STRANGLER_OUTPUT
 * </pre>
 *
 * <p>Strict: an unknown key or a non-text value is an error naming the file and the key, so a
 * typo never silently falls back to a default.
 *
 * @param path   where the values came from (for messages)
 * @param values key to value, only the keys in {@link #KEYS}
 */
public record ConfigFile(Path path, Map<String, String> values) {

    /** Key for the admin API base URL. */
    public static final String ADMIN = "admin";
    /** Key for the file holding the admin API bearer token. */
    public static final String TOKEN_FILE = "tokenFile";
    /** Key for the default output format. */
    public static final String OUTPUT = "output";
    /** Every key the file may hold. */
    public static final List<String> KEYS = List.of(ADMIN, TOKEN_FILE, OUTPUT);

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public ConfigFile {
        requireNonNull(path, "path");
        values = Map.copyOf(values);
        for (String key : values.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("config key " + key + " (expected one of " + KEYS + ")");
            }
        }
    }

    /** The value of {@code key}, empty when the file does not set it. */
    public Optional<String> value(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Where a value for {@code key} came from, for messages: {@code "tokenFile in /home/x/.strangler/config.yaml"}. */
    public String describe(String key) {
        return key + " in " + path;
    }

    /**
     * Reads the config file of {@code environment}. A missing file at the default path is an
     * empty config; a missing file named by {@code STRANGLER_CONFIG} is a usage error.
     */
    public static ConfigFile load(CliEnvironment environment) {
        Path path = environment.configPath();
        if (!Files.exists(path)) {
            if (environment.configPathExplicit()) {
                throw CliException.usage(CliEnvironment.CONFIG_ENV + "=" + path
                        + ": no such file (unset it to use ~/.strangler/config.yaml, or create the file)");
            }
            return new ConfigFile(path, Map.of());
        }
        return parse(path);
    }

    private static ConfigFile parse(Path path) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(path));
        } catch (IOException e) {
            throw CliException.usage("config " + path + ": cannot read it as YAML ("
                    + firstLine(e.getMessage()) + ")", e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new ConfigFile(path, Map.of()); // an empty file sets nothing
        }
        if (!root.isObject()) {
            throw CliException.usage("config " + path + ": expected a mapping of keys " + KEYS
                    + ", found " + root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            if (!KEYS.contains(key)) {
                throw CliException.usage("config " + path + ": unknown key '" + key
                        + "' (expected one of: " + String.join(", ", KEYS) + ")");
            }
            JsonNode value = field.getValue();
            if (!value.isTextual() || value.asText().isBlank()) {
                throw CliException.usage("config " + path + ": key '" + key
                        + "' must be a non-empty string, found " + value);
            }
            values.put(key, value.asText().strip());
        }
        return new ConfigFile(path, values);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
