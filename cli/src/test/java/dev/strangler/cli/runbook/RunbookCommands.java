package dev.strangler.cli.runbook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The {@code strangler} commands written in the runbooks: every command in a fenced
 * {@code bash}/{@code sh} block whose program is {@code strangler} or {@code ./strangler}, with
 * {@code \} continuations joined, {@code $ } prompts stripped and placeholders such as
 * {@code $ROUTE} replaced by sample values. Output examples live in {@code text} blocks and are
 * never read as commands.
 */
final class RunbookCommands {

    /** Where the runbooks are, relative to the cli module (Maven runs tests in the module dir). */
    static final Path RUNBOOKS = Path.of("..", "runbooks");

    /** Words bash skips before the program name. */
    private static final Set<String> PREFIX_KEYWORDS = Set.of("do", "then", "else", "time", "!", "{", "(");

    /**
     * One command found in a runbook.
     *
     * @param file     the runbook
     * @param line     1-based line where the command starts
     * @param section  the {@code ## } heading it sits under (e.g. "Steps", "Undo")
     * @param args     the arguments after {@code strangler}, placeholders substituted
     * @param problems what could not be read faithfully (unknown placeholder, $(...), quotes)
     */
    record Found(Path file, int line, String section, List<String> args, List<String> problems) {

        /** {@code runbooks/rollback.md:42}, for failure messages an editor can jump to. */
        String where() {
            return "runbooks/" + file.getFileName() + ":" + line;
        }

        @Override
        public String toString() {
            return where() + " strangler " + String.join(" ", args);
        }
    }

    private RunbookCommands() {
    }

    /** Every Markdown file in the runbooks folder (the README's commands count too), sorted by name. */
    static List<Path> runbooks() {
        try (Stream<Path> files = Files.list(RUNBOOKS)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + RUNBOOKS.toAbsolutePath().normalize(), e);
        }
    }

    /** The commands of every runbook, in file order. */
    static List<Found> all(Map<String, String> placeholders) {
        List<Found> found = new ArrayList<>();
        for (Path runbook : runbooks()) {
            found.addAll(in(runbook, placeholders));
        }
        return found;
    }

    /** The commands of one runbook, in order. */
    static List<Found> in(Path runbook, Map<String, String> placeholders) {
        List<String> lines;
        try {
            lines = Files.readAllLines(runbook);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runbook, e);
        }
        List<Found> found = new ArrayList<>();
        String section = "";
        boolean inShell = false;
        boolean inOtherFence = false;
        for (int n = 0; n < lines.size(); n++) {
            String raw = lines.get(n);
            String trimmed = raw.strip();
            if (trimmed.startsWith("```")) {
                if (inShell || inOtherFence) {
                    inShell = false;
                    inOtherFence = false;
                } else {
                    String info = trimmed.substring(3).strip();
                    inShell = info.equals("bash") || info.equals("sh");
                    inOtherFence = !inShell;
                }
                continue;
            }
            if (!inShell) {
                if (!inOtherFence && trimmed.startsWith("## ")) {
                    section = trimmed.substring(3).strip();
                }
                continue;
            }
            int startLine = n + 1;
            StringBuilder logical = new StringBuilder(stripPrompt(trimmed));
            while (endsWithContinuation(logical) && n + 1 < lines.size()) {
                logical.setLength(logical.length() - 1);
                logical.append(' ').append(lines.get(++n).strip());
            }
            ShellWords.Split split = ShellWords.split(logical.toString(), placeholders::get);
            for (List<String> words : split.commands()) {
                List<String> program = dropPrefix(words);
                if (!program.isEmpty() && (program.get(0).equals("strangler") || program.get(0).equals("./strangler"))) {
                    found.add(new Found(runbook, startLine, section, program.subList(1, program.size()),
                            split.problems()));
                }
            }
        }
        return found;
    }

    private static String stripPrompt(String line) {
        return line.startsWith("$ ") ? line.substring(2) : line;
    }

    private static boolean endsWithContinuation(CharSequence s) {
        return s.length() > 0 && s.charAt(s.length() - 1) == '\\';
    }

    /** Drops {@code NAME=value} assignments and keywords such as {@code do} before the program. */
    private static List<String> dropPrefix(List<String> words) {
        int k = 0;
        while (k < words.size() && (PREFIX_KEYWORDS.contains(words.get(k)) || words.get(k).matches("[A-Za-z_][A-Za-z0-9_]*=.*"))) {
            k++;
        }
        return words.subList(k, words.size());
    }
}
