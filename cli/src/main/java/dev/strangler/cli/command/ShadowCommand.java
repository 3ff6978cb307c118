package dev.strangler.cli.command;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strangler shadow}: what the shadow comparison found (reads the diff store). */
@Command(name = "shadow", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler shadow report --since 1h",
                "  strangler shadow diffs appointments --field /status",
                "  strangler shadow replay 1234 --legacy-url http://legacy:8080 --target-url http://appointments:8082"},
        description = "Shadow comparison results: report, examples, replay.",
        subcommands = {ShadowReportCommand.class, ShadowDiffsCommand.class, ShadowReplayCommand.class})
public final class ShadowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (expected: report, diffs or replay)");
    }
}
