package dev.strangler.cli.ramp;

import java.io.PrintWriter;

/**
 * The ramp's live view. On a terminal the progress line is redrawn in place ({@code \r}, erase to
 * end of line) and events scroll above it; otherwise (a pipe, a CI log) every check is one plain
 * line, so logs stay readable.
 */
public final class LiveView {
    private final PrintWriter out;
    private final boolean tty;
    private boolean lineOpen;

    /** @param tty redraw in place (a terminal) rather than print plain lines */
    public LiveView(PrintWriter out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    /** Replaces the progress line (TTY) or prints it (plain). */
    public void progress(String line) {
        if (tty) {
            out.print("\r" + line + "\033[K");
            lineOpen = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** A line that stays: a step begins, a gate fails, the ramp ends. */
    public void event(String line) {
        if (tty && lineOpen) {
            out.print("\r\033[K");
            lineOpen = false;
        }
        out.println(line);
        out.flush();
    }
}
