package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.cli.CliRun.Result;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Help, version, completion and the one-line error contract; no network. */
class CliBasicsTest {
    @TempDir
    Path home;

    private static List<CommandLine> allCommands(CommandLine cl) {
        List<CommandLine> all = new ArrayList<>();
        all.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandName().equals("help")) {
                all.addAll(allCommands(sub));
            }
        }
        return all;
    }

    /** The commands this module's shared part owns; other modules' commands bring their own help tests. */
    private static final java.util.Set<String> OPERATOR_COMMANDS = java.util.Set.of("strangler", "strangler routes",
            "strangler routes list", "strangler routes show", "strangler routes set-weight", "strangler rollback",
            "strangler audit", "strangler completion");

    @Test
    void everyOperatorCommandsHelpHasExamplesAndExitCodes() {
        List<String> seen = new ArrayList<>();
        for (CommandLine cmd : allCommands(Main.newCommandLine(new CliEnvironment(java.util.Map.of(), home)))) {
            String name = cmd.getCommandSpec().qualifiedName();
            if (!OPERATOR_COMMANDS.contains(name)) {
                continue;
            }
            seen.add(name);
            List<String> args = new ArrayList<>(List.of(name.split(" ")).subList(1, name.split(" ").length));
            args.add("--help");
            Result r = new CliRun(home).run(args.toArray(String[]::new));

            assertThat(r.exit()).as(name).isZero();
            assertThat(r.out()).as(name).contains("Usage: " + name).contains("Examples:")
                    .contains("Exit codes:").contains("2   usage: bad flag, value or config file; nothing was sent")
                    .doesNotContain("%n").doesNotContain("%%"); // a stray % makes picocli print the raw text
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(OPERATOR_COMMANDS);
    }

    @Test
    void everyCommandDocumentsTheSameExitCodes() {
        for (CommandLine cmd : allCommands(Main.newCommandLine(new CliEnvironment(java.util.Map.of(), home)))) {
            assertThat(cmd.getCommandSpec().usageMessage().exitCodeList()).as(cmd.getCommandSpec().qualifiedName())
                    .containsOnlyKeys("0", "1", "2");
        }
    }

    @Test
    void setWeightHelpShowsPercentagesVerbatim() {
        String help = new CliRun(home).run("routes", "set-weight", "--help").out();

        assertThat(help).contains("strangler routes set-weight appointments 25% --reason \"ramp step 3\"")
                .contains("WEIGHT forms: a percentage 0%..100% with at most two decimals (25%, 12.5%,");
    }

    @Test
    void adminCommandsShareTheSameConnectionAndOutputFlags() {
        for (String[] cmd : new String[][] {{"routes", "list"}, {"routes", "show"}, {"routes", "set-weight"},
                {"rollback"}, {"audit"}}) {
            List<String> args = new ArrayList<>(List.of(cmd));
            args.add("--help");
            String help = new CliRun(home).run(args.toArray(String[]::new)).out();
            assertThat(help).as(String.join(" ", cmd)).contains("--admin=URL").contains("--token-file=PATH")
                    .contains("-o, --output=FORMAT").contains("--timeout=DURATION").contains("-v, --verbose");
        }
    }

    @Test
    void printsVersion() {
        Result r = new CliRun(home).run("--version");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("strangler ");
    }

    @Test
    void unknownSubcommandIsUsageWithSuggestion() {
        Result r = new CliRun(home).run("rollbak");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).hasLineCount(1).startsWith("strangler: Unmatched argument at index 0: 'rollbak'")
                .contains("did you mean: rollback").endsWith("(see 'strangler --help')\n");
    }

    @Test
    void unknownOptionIsUsage() {
        Result r = new CliRun(home).run("routes", "list", "--colour");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).hasLineCount(1).contains("Unknown option: '--colour'");
    }

    @Test
    void bugsAreOneLineExitOneAndStackTraceOnlyWhenVerbose() {
        @Command(name = "boom")
        class Boom implements Runnable {
            @CommandLine.Option(names = "--verbose")
            boolean verbose;

            @Override
            public void run() {
                throw new IllegalStateException("kaput");
            }
        }
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Boom()).setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler(new CliErrorHandler());

        assertThat(cl.execute()).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("strangler: internal error in boom: IllegalStateException: kaput"
                + " (run with --verbose for the stack trace)\n");
        err.getBuffer().setLength(0);
        assertThat(cl.execute("--verbose")).isEqualTo(1);
        assertThat(err.toString()).startsWith("strangler: internal error in boom: IllegalStateException: kaput\n")
                .contains("\tat ");
    }

    @Test
    void bashCompletionScriptRegistersTheCommand() throws Exception {
        Result r = new CliRun(home).run("completion", "bash");
        assertThat(r.exit()).isZero();
        Path script = Files.writeString(home.resolve("strangler.bash"), r.out());

        Process bash = new ProcessBuilder("bash", "-c", "source '" + script + "' && complete -p strangler")
                .redirectErrorStream(true).start();
        assertThat(bash.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String output = new String(bash.getInputStream().readAllBytes());

        assertThat(bash.exitValue()).as(output).isZero();
        assertThat(output).contains("strangler");
        assertThat(r.out()).contains("set-weight").contains("rollback").contains("--token-file");
    }

    @Test
    void zshCompletionIsTheScriptThatLoadsBashcompinitUnderZsh() {
        Result r = new CliRun(home).run("completion", "zsh");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(new CliRun(home).run("completion", "bash").out())
                .contains("elif [ -n \"$ZSH_VERSION\" ]; then")
                .contains("autoload -U +X bashcompinit && bashcompinit");
    }

    @Test
    void unsupportedShellIsUsage() {
        Result r = new CliRun(home).run("completion", "fish");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("SHELL 'fish': unsupported (expected: bash or zsh)");
    }
}
