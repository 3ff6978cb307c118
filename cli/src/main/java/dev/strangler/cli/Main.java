package dev.strangler.cli;

import static java.util.Objects.requireNonNull;

import dev.strangler.cli.command.AuditCommand;
import dev.strangler.cli.command.CompletionCommand;
import dev.strangler.cli.command.RollbackCommand;
import dev.strangler.cli.command.RoutesCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** Entry point of the {@code strangler} command: parses, dispatches to a subcommand, exits. */
@Command(name = "strangler",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Strangler-fig migration toolkit: routing proxy, CDC sync, shadow comparison.",
        footer = {"%nExamples:",
                "  strangler routes list",
                "  strangler routes set-weight appointments 25%% --reason \"ramp step 3\"",
                "  strangler rollback --all --reason \"error spike\"",
                "  strangler status --diff-db \"$STRANGLER_DIFF_DB\"",
                "  strangler audit export --since 7d --out audit.jsonl",
                "%nSettings: flags > environment (STRANGLER_ADMIN_URL, STRANGLER_TOKEN, STRANGLER_OUTPUT)"
                        + " > ~/.strangler/config.yaml (or $STRANGLER_CONFIG)."},
        subcommands = {
                CommandLine.HelpCommand.class,
                RoutesCommand.class,
                RollbackCommand.class,
                AuditCommand.class,
                dev.strangler.cli.command.StatusCommand.class,
                CompletionCommand.class,
                dev.strangler.cli.command.ProxyCommand.class,
                dev.strangler.cli.command.ShadowCommand.class,
                dev.strangler.cli.command.DemoCommand.class,
                dev.strangler.cli.command.SampleCommand.class,
                dev.strangler.cli.command.CdcCommand.class,
                dev.strangler.cli.command.RampCommand.class,
                dev.strangler.cli.command.BackendsCommand.class,
        })
public final class Main {

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, order = 900,
            description = "On failure, print the stack trace; trace admin API calls to stderr.")
    boolean verbose;

    private final CliEnvironment environment;

    private Main(CliEnvironment environment) {
        this.environment = requireNonNull(environment, "environment");
    }

    public static void main(String[] args) {
        System.exit(newCommandLine(CliEnvironment.system()).execute(args));
    }

    /** The fully wired command line over the real environment. */
    public static CommandLine newCommandLine() {
        return newCommandLine(CliEnvironment.system());
    }

    /** The fully wired command line; tests call this with their own environment to run commands in-process. */
    public static CommandLine newCommandLine(CliEnvironment environment) {
        CommandLine cl = new CommandLine(new Main(environment));
        cl.setExecutionExceptionHandler(new CliErrorHandler());
        cl.setParameterExceptionHandler(new CliErrorHandler());
        cl.setExecutionStrategy(Main::executeAfterPreflight);
        applyExitCodeHelp(cl);
        // A weight like "-5%" must reach the weight parser (which lists the accepted forms)
        // instead of being taken for an unknown option.
        cl.getSubcommands().get("routes").getSubcommands().get("set-weight").setUnmatchedOptionsArePositionalParams(true);
        return cl;
    }

    /** Runs the {@link Preflight} checks of the command's mixins, then the command (picocli's RunLast). */
    private static int executeAfterPreflight(ParseResult parseResult) {
        CommandLine last = parseResult.asCommandLineList().get(parseResult.asCommandLineList().size() - 1);
        if (!last.isUsageHelpRequested() && !last.isVersionHelpRequested()) {
            for (CommandSpec mixin : last.getCommandSpec().mixins().values()) {
                if (mixin.userObject() instanceof Preflight preflight) {
                    try {
                        preflight.preflight();
                    } catch (CliException e) {
                        // picocli hands ExecutionException's cause to the execution exception handler
                        throw new CommandLine.ExecutionException(last, e.getMessage(), e);
                    }
                }
            }
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    /** The environment this command line was built with. */
    CliEnvironment environment() {
        return environment;
    }

    /** Whether {@code --verbose} was given anywhere on the command line that is running {@code spec}. */
    public static boolean isVerbose(CommandSpec spec) {
        ParseResult root = spec.root().commandLine().getParseResult();
        return root != null && isVerbose(root);
    }

    static boolean isVerbose(ParseResult result) {
        for (ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Every command, including those other modules add, documents the same exit codes. */
    private static void applyExitCodeHelp(CommandLine cl) {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "success");
        codes.put("1", "failure: the command ran and failed (e.g. proxy unreachable, token rejected, unknown route)");
        codes.put("2", "usage: bad flag, value or config file; nothing was sent");
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        for (CommandLine sub : cl.getSubcommands().values()) {
            applyExitCodeHelp(sub);
        }
    }
}
