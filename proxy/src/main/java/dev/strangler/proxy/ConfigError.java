package dev.strangler.proxy;

import static java.util.Objects.requireNonNull;

/**
 * One problem found in a proxy config file: where it is (file, line, key path) and what is wrong.
 *
 * <p>{@link #toString()} gives the one-line form operators see, for example
 * {@code strangler.yaml:12: routes[0].weightBps: 12000 (expected: 0..10000)}.
 *
 * @param file    the config file's name as the user gave it
 * @param line    1-based line, or 0 when the problem has no single line (e.g. a missing key)
 * @param path    key path such as {@code routes[0].weightBps}, or empty for the whole file
 * @param message what is wrong and what was expected
 */
public record ConfigError(String file, int line, String path, String message) {

    public ConfigError {
        requireNonNull(file, "file");
        requireNonNull(path, "path");
        requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (!path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(message).toString();
    }
}
