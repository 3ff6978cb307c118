package dev.strangler.cli.runbook;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Splits one logical shell line the way bash would for the simple commands runbooks contain:
 * single and double quotes, backslash escapes, {@code $NAME}/{@code ${NAME}} expansion (not inside
 * single quotes), comments, redirections (dropped with their target) and the control operators
 * {@code | || && ; &}, which end a command. Anything it cannot do faithfully (command
 * substitution, unterminated quotes) is reported as a problem rather than guessed.
 */
final class ShellWords {

    /** The commands of one line (each a list of words) and what could not be read. */
    record Split(List<List<String>> commands, List<String> problems) {
    }

    private final String line;
    private final Function<String, String> variables;
    private final List<List<String>> commands = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private List<String> words = new ArrayList<>();
    private StringBuilder word;
    private boolean dropNextWord;
    private int i;

    private ShellWords(String line, Function<String, String> variables) {
        this.line = line;
        this.variables = variables;
    }

    /**
     * Splits {@code line}; {@code variables} maps a variable name to its value, or null when the
     * name is unknown (then the word keeps the {@code $NAME} text and a problem is reported).
     */
    static Split split(String line, Function<String, String> variables) {
        ShellWords s = new ShellWords(line, variables);
        s.run();
        return new Split(List.copyOf(s.commands), List.copyOf(s.problems));
    }

    private void run() {
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                endWord();
                i++;
            } else if (c == '#' && word == null) {
                break; // a comment runs to the end of the line
            } else if (c == '|' || c == ';' || c == '&') {
                endCommand();
                i += (i + 1 < line.length() && (line.charAt(i + 1) == c)) ? 2 : 1;
            } else if (c == '>' || c == '<') {
                redirection();
            } else if (c == '\'') {
                singleQuoted();
            } else if (c == '"') {
                doubleQuoted();
            } else if (c == '\\') {
                append(i + 1 < line.length() ? line.charAt(i + 1) : '\\');
                i += 2;
            } else if (c == '$') {
                variable();
            } else {
                append(c);
                i++;
            }
        }
        endCommand();
    }

    /** {@code > file}, {@code >> file}, {@code 2>&1}, {@code < file}: none of it is an argument. */
    private void redirection() {
        if (word != null && word.toString().chars().allMatch(Character::isDigit)) {
            word = null; // the "2" of "2>"
        } else {
            endWord();
        }
        i++;
        if (i < line.length() && line.charAt(i) == '>') {
            i++;
        }
        if (i < line.length() && line.charAt(i) == '&') {
            while (++i < line.length() && Character.isDigit(line.charAt(i))) {
                // "2>&1" names a descriptor, not a file: nothing more to drop
            }
            return;
        }
        dropNextWord = true;
    }

    private void singleQuoted() {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
            problems.add("unterminated ' quote");
            i = line.length();
            return;
        }
        startWord();
        word.append(line, i + 1, end);
        i = end + 1;
    }

    private void doubleQuoted() {
        startWord();
        i++;
        while (i < line.length() && line.charAt(i) != '"') {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                word.append(line.charAt(i + 1));
                i += 2;
            } else if (c == '$') {
                variable();
            } else {
                word.append(c);
                i++;
            }
        }
        if (i >= line.length()) {
            problems.add("unterminated \" quote");
        }
        i++;
    }

    private void variable() {
        int start = i + 1;
        if (start < line.length() && line.charAt(start) == '(') {
            problems.add("command substitution $(...) cannot be checked; write the command on its own line");
            i = line.length();
            return;
        }
        boolean braced = start < line.length() && line.charAt(start) == '{';
        int nameStart = braced ? start + 1 : start;
        int end = nameStart;
        while (end < line.length() && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '_')) {
            end++;
        }
        if (end == nameStart) {
            append('$'); // a lone "$" is literal in bash too
            i++;
            return;
        }
        String name = line.substring(nameStart, end);
        if (braced) {
            if (end >= line.length() || line.charAt(end) != '}') {
                problems.add("${" + name + " is not closed with } (defaults like ${X:-y} are not supported)");
                i = line.length();
                return;
            }
            end++;
        }
        String value = variables.apply(name);
        if (value == null) {
            problems.add("unknown placeholder $" + name);
            value = "$" + name;
        }
        startWord();
        word.append(value);
        i = end;
    }

    private void append(char c) {
        startWord();
        word.append(c);
    }

    private void startWord() {
        if (word == null) {
            word = new StringBuilder();
        }
    }

    private void endWord() {
        if (word != null) {
            if (dropNextWord) {
                dropNextWord = false;
            } else {
                words.add(word.toString());
            }
            word = null;
        }
    }

    private void endCommand() {
        endWord();
        if (!words.isEmpty()) {
            commands.add(List.copyOf(words));
        }
        words = new ArrayList<>();
        dropNextWord = false;
    }
}
