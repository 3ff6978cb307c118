package dev.strangler.cli.command;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code ramp pause|resume|abort} share besides the admin options (which stay a direct mixin of
 * each command: they read the command's environment): the route and a reason for the audit log.
 */
public final class RampTargetOptions {
    @Parameters(paramLabel = "ROUTE", description = "Route id.")
    String route;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log.")
    String reason;
}
