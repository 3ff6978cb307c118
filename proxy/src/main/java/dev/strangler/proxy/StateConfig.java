package dev.strangler.proxy;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where the proxy keeps what must survive a restart.
 *
 * @param stateFile last known route weights (JSON, replaced atomically on every change)
 * @param auditLog  audit log, one JSON object per line, appended
 */
public record StateConfig(Path stateFile, Path auditLog) {

    public StateConfig {
        requireNonNull(stateFile, "stateFile");
        requireNonNull(auditLog, "auditLog");
    }

    /** The usual layout inside one directory: {@code routes-state.json} and {@code audit.jsonl}. */
    public static StateConfig in(Path dir) {
        return new StateConfig(dir.resolve("routes-state.json"), dir.resolve("audit.jsonl"));
    }
}
