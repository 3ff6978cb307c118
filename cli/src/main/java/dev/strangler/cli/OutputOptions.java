package dev.strangler.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Picocli mixin for {@code --output table|json} ({@code -o}). Precedence: the flag, then
 * {@code STRANGLER_OUTPUT}, then {@code output} in the config file, then {@code table}.
 *
 * <p>Use it as {@code @Mixin OutputOptions output;}, then {@code if (output.isJson())
 * output.printJson(doc); else ...Table... .print(output.out())}.
 */
public final class OutputOptions implements Preflight {

    /** Environment variable for the default output format. */
    public static final String OUTPUT_ENV = "STRANGLER_OUTPUT";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", order = 110,
            completionCandidates = OutputFormat.Names.class,
            description = "table or json (default: $" + OUTPUT_ENV + ", else 'output' in the config file, else table).")
    String output;

    private OutputFormat resolved;

    /** Resolves the format before the command runs (a bad value is a usage error, nothing is sent). */
    @Override
    public void preflight() {
        format();
    }

    /** The resolved format; a bad value from any source is a usage error naming that source. */
    public OutputFormat format() {
        if (resolved == null) {
            CliEnvironment environment = CliEnvironment.of(mixee);
            resolved = Setting.resolve(output, "--output", OUTPUT_ENV, ConfigFile.OUTPUT, environment,
                            ConfigFile.load(environment))
                    .map(s -> OutputFormat.parse(s.value(), s.source()))
                    .orElse(OutputFormat.TABLE);
        }
        return resolved;
    }

    /** Whether to print JSON. */
    public boolean isJson() {
        return format() == OutputFormat.JSON;
    }

    /** The command's standard output (picocli's, so tests can capture it). */
    public PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    /** Prints {@code value} (a Jackson tree or any Jackson-serialisable object) as pretty JSON. */
    public void printJson(Object value) {
        try {
            out().println(JSON.writeValueAsString(value));
            out().flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName() + " as JSON", e);
        }
    }
}
