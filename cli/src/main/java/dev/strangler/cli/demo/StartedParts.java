package dev.strangler.cli.demo;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts a demo or drill started, stopped in reverse order of starting (load before proxies,
 * syncers before PostgreSQL). A part that fails to stop is logged and the others still stop.
 */
public final class StartedParts {

    private static final Logger log = LoggerFactory.getLogger(StartedParts.class);

    private final String owner;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** @param owner what the parts belong to, for log lines ({@code demo}, {@code drill}) */
    public StartedParts(String owner) {
        this.owner = owner;
    }

    /** Remembers {@code part} for {@link #stopAll()}; returns it. */
    public <T extends AutoCloseable> T track(T part) {
        started.push(part);
        return part;
    }

    /** Stops every tracked part, newest first. */
    public void stopAll() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("{}: stopping {} failed: {}", owner, part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
