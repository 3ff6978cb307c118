package dev.strangler.cli;

/**
 * A mixin whose settings are resolved and validated before its command runs. Picocli cannot
 * see the environment or config file, so {@link Main}'s execution strategy calls this on every
 * mixin of the command about to run: a bad value then fails with exit 2 before anything is sent.
 */
public interface Preflight {
    /** Resolves and validates; throws {@link CliException#usage} on a bad value. */
    void preflight();
}
