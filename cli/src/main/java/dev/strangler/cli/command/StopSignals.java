package dev.strangler.cli.command;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a "please drain" request. The JVM's default handling runs shutdown hooks and
 * then exits 143/130 whatever they do; handling the signals ourselves lets the proxy drain in the
 * main thread and exit 0, as a process manager expects from a clean stop.
 */
final class StopSignals {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    /** Calls {@code onStop} on the first SIGTERM/SIGINT; returns false when the JVM does not allow it. */
    static boolean install(Runnable onStop) {
        AtomicBoolean seen = new AtomicBoolean();
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                Signal.handle(new Signal(name), sig -> {
                    if (seen.compareAndSet(false, true)) {
                        LOG.info("SIG{} received: draining", sig.getName());
                        onStop.run();
                    } else {
                        LOG.warn("SIG{} received again: already draining (SIGKILL stops at once)", sig.getName());
                    }
                });
            }
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.debug("cannot handle stop signals ({}); the shutdown hook stops the proxy", e.toString());
            return false;
        }
    }
}
