package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Walks the whole picocli command tree (including commands other modules add): every command has
 * a description, a help with an Examples footer and the exit codes, and every example parses.
 */
class CommandTreeTest {
    @TempDir
    Path home;

    private CommandLine root() {
        return Main.newCommandLine(new CliEnvironment(Map.of(), home));
    }

    private static List<CommandLine> walk(CommandLine cl) {
        List<CommandLine> all = new ArrayList<>();
        all.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandName().equals("help") && !all.contains(sub)) {
                all.addAll(walk(sub));
            }
        }
        return all;
    }

    @Test
    void everyCommandHasADescriptionAndAnExamplesFooter() {
        List<String> missing = new ArrayList<>();
        List<CommandLine> commands = walk(root());
        for (CommandLine cmd : commands) {
            String name = cmd.getCommandSpec().qualifiedName();
            var usage = cmd.getCommandSpec().usageMessage();
            if (usage.description().length == 0 || String.join("", usage.description()).isBlank()) {
                missing.add(name + ": no description");
            }
            if (examples(cmd).isEmpty()) {
                missing.add(name + ": no Examples footer with a `strangler …` line");
            }
        }
        assertThat(missing).isEmpty();
        assertThat(commands).hasSizeGreaterThan(25); // the walk really reached the leaves
    }

    @Test
    void everyHelpPrintsExamplesAndExitCodes() {
        for (CommandLine cmd : walk(root())) {
            String name = cmd.getCommandSpec().qualifiedName();
            List<String> args = new ArrayList<>(List.of(name.split(" ")).subList(1, name.split(" ").length));
            args.add("--help");
            CliRun.Result r = new CliRun(home).run(args.toArray(String[]::new));
            assertThat(r.exit()).as(name).isZero();
            assertThat(r.out()).as(name).contains("Usage: " + name, "Examples:", "Exit codes:")
                    .doesNotContain("%n").doesNotContain("%%");
            assertThat(r.err()).as(name + ": picocli could not format a help text (unescaped %?)").isEmpty();
        }
    }

    @Test
    void everyExampleParsesAgainstTheRealCommandLine() {
        int parsed = 0;
        for (CommandLine cmd : walk(root())) {
            for (String example : examples(cmd)) {
                List<String> words = words(example);
                assertThatCode(() -> root().parseArgs(words.toArray(String[]::new)))
                        .as("example of %s: %s", cmd.getCommandSpec().qualifiedName(), example).doesNotThrowAnyException();
                parsed++;
            }
        }
        assertThat(parsed).isGreaterThan(40);
    }

    @Test
    void adminApiCommandsShareConnectionAndOutputFlags() {
        for (CommandLine cmd : walk(root())) {
            var spec = cmd.getCommandSpec();
            if (spec.findOption("--admin") != null) {
                assertThat(spec.findOption("--token-file")).as(spec.qualifiedName()).isNotNull();
                assertThat(spec.findOption("--timeout")).as(spec.qualifiedName()).isNotNull();
                if (!spec.qualifiedName().equals("strangler rollback") && !spec.qualifiedName().startsWith("strangler ramp")) {
                    assertThat(spec.findOption("--output")).as(spec.qualifiedName()).isNotNull();
                }
            }
        }
        for (String name : List.of("status", "audit")) {
            var spec = root().getSubcommands().get(name).getCommandSpec();
            assertThat(spec.findOption("--admin")).as(name).isNotNull();
            assertThat(spec.findOption("--output")).as(name).isNotNull();
        }
    }

    /** The footer lines after "Examples:" that run {@code strangler} (an env prefix is allowed). */
    private static List<String> examples(CommandLine cmd) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : cmd.getCommandSpec().usageMessage().footer()) {
            for (String l : line.split("%n", -1)) {
                if (l.strip().equals("Examples:")) {
                    in = true;
                } else if (in && (l.isBlank() || !l.startsWith("  "))) {
                    in = !l.isBlank() && in && l.startsWith("  ");
                } else if (in && l.contains("strangler ")) {
                    out.add(l.strip().replace("%%", "%"));
                }
            }
        }
        return out;
    }

    /** The words after {@code strangler}: double/single quotes, {@code $VAR} as a placeholder, trailing comments dropped. */
    static List<String> words(String line) {
        String s = line.substring(line.indexOf("strangler ") + "strangler ".length());
        int comment = s.indexOf(" #");
        if (comment >= 0) {
            s = s.substring(0, comment);
        }
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || w.length() > 0) {
                    words.add(w.toString());
                }
                w.setLength(0);
                any = false;
            } else if (c == '|' || c == '>') {
                break; // a pipe or redirection ends the strangler command
            } else {
                w.append(c);
            }
        }
        if (any || w.length() > 0) {
            words.add(w.toString());
        }
        words.replaceAll(x -> x.replaceAll("\\$\\{?[A-Z_]+}?", "value"));
        return words;
    }
}
