package dev.strangler.cli;

import static java.util.Objects.requireNonNull;

/**
 * The CLI's one failure type: carries the one-line message shown on stderr and the exit code.
 *
 * <p>{@link #failure} (exit 1) means the command ran and something outside it failed: the
 * proxy is unreachable, the admin API refused or rejected the call. {@link #usage} (exit 2)
 * means the invocation or its configuration is wrong (a bad flag value, a bad config file, an
 * unreadable token file): nothing was sent to the proxy.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit code for a command that ran and failed. */
    public static final int FAILURE = 1;
    /** Exit code for a bad invocation or configuration; nothing was done. */
    public static final int USAGE = 2;

    private final int exitCode;

    private CliException(String message, Throwable cause, int exitCode) {
        super(requireNonNull(message, "message"), cause);
        this.exitCode = exitCode;
    }

    /** Something outside the CLI failed (exit 1). */
    public static CliException failure(String message) {
        return new CliException(message, null, FAILURE);
    }

    /** Something outside the CLI failed (exit 1); {@code cause} is shown with {@code --verbose}. */
    public static CliException failure(String message, Throwable cause) {
        return new CliException(message, cause, FAILURE);
    }

    /** The invocation or configuration is wrong (exit 2). */
    public static CliException usage(String message) {
        return new CliException(message, null, USAGE);
    }

    /** The invocation or configuration is wrong (exit 2); {@code cause} is shown with {@code --verbose}. */
    public static CliException usage(String message, Throwable cause) {
        return new CliException(message, cause, USAGE);
    }

    /** 1 for failures, 2 for usage errors. */
    public int exitCode() {
        return exitCode;
    }
}
