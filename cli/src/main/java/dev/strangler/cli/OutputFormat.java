package dev.strangler.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/** How a command prints its result: a table for people, or JSON for scripts. */
public enum OutputFormat {
    /** Aligned columns (or key/value lines) for a terminal. */
    TABLE,
    /** The server's JSON document, pretty-printed; stable for scripts. */
    JSON;

    /** Lower-case name as typed on the command line. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Strict parse of {@code table}/{@code json}; {@code source} names the flag, variable or config key. */
    public static OutputFormat parse(String value, String source) {
        for (OutputFormat f : values()) {
            if (f.flagValue().equals(value.strip().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw CliException.usage(source + " '" + value + "': unknown output format (expected: table or json)");
    }

    /** Completion candidates for {@code --output}. */
    public static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = Arrays.stream(values()).map(OutputFormat::flagValue).toList();
            return names.iterator();
        }
    }
}
