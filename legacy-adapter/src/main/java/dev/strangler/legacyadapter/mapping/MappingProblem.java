package dev.strangler.legacyadapter.mapping;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with a mapping (or a note that it cannot be reversed): the file, line and key
 * it concerns, and what was expected.
 */
public record MappingProblem(String file, int line, String key, String message) {
    public MappingProblem {
        requireNonNull(file, "file");
        requireNonNull(key, "key");
        requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return file + ":" + line + ": " + (key.isEmpty() ? "" : key + ": ") + message;
    }
}
