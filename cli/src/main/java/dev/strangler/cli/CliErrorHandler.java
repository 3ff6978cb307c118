package dev.strangler.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Prints exactly one line to stderr for any error and maps it to an exit code: 2 for usage
 * errors (picocli's {@link ParameterException}, {@link CliException#usage}), 1 for everything
 * else. The stack trace follows only with {@code --verbose}.
 */
final class CliErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private static final Set<String> VERBOSE_FLAGS = Set.of("-v", "--verbose");

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        String message = oneLine(ex.getMessage());
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched
                && !unmatched.getSuggestions().isEmpty()) {
            message += " (did you mean: " + String.join(", ", unmatched.getSuggestions()) + "?)";
        }
        PrintWriter err = cmd.getErr();
        err.println(name + ": " + message + " (see '" + name + " --help')");
        if (Arrays.stream(args).anyMatch(VERBOSE_FLAGS::contains)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return CliException.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult fullParseResult) {
        PrintWriter err = cmd.getErr();
        boolean verbose = Main.isVerbose(fullParseResult);
        int code;
        if (ex instanceof CliException cli) {
            err.println("strangler: " + oneLine(cli.getMessage()));
            code = cli.exitCode();
        } else if (ex instanceof ParameterException pe) {
            return handleParseException(pe, fullParseResult.originalArgs().toArray(String[]::new));
        } else {
            // A bug, not an operator error: say so, and say how to get the details.
            err.println("strangler: internal error in " + cmd.getCommandSpec().qualifiedName() + ": "
                    + ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + oneLine(ex.getMessage()))
                    + (verbose ? "" : " (run with --verbose for the stack trace)"));
            code = CliException.FAILURE;
        }
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static String oneLine(String text) {
        return text == null ? "(no message)" : text.replaceAll("\\s*[\\r\\n]+\\s*", "; ").strip();
    }
}
