package dev.strangler.cli.command;

import java.io.PrintWriter;
import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.shadow.noise.NoiseRule;
import picocli.CommandLine.Option;

/** Options every {@code strangler shadow} subcommand takes: where the diff store is, how to print. */
final class ShadowOptions {

    /** Output formats. */
    enum Output { text, json }

    @Option(names = "--diff-db", paramLabel = "JDBC_URL", defaultValue = "${env:STRANGLER_DIFF_DB}",
            description = "JDBC URL of the diff store (default: $STRANGLER_DIFF_DB), e.g. "
                    + "jdbc:postgresql://db:5432/strangler?user=sre&password=...")
    String diffDb;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "text or json (default: ${DEFAULT-VALUE})")
    Output output;

    @Option(names = "--noise-relative-threshold", defaultValue = "2.0", hidden = true)
    double noiseRelative;

    @Option(names = "--noise-absolute-threshold", defaultValue = "0.05", hidden = true)
    double noiseAbsolute;

    NoiseRule noiseRule() {
        return new NoiseRule(noiseRelative, noiseAbsolute);
    }

    /** A small pool on the diff store; the caller closes it. */
    HikariDataSource dataSource() {
        if (diffDb == null || diffDb.isBlank()) {
            throw new IllegalArgumentException("--diff-db: missing (expected: a JDBC URL, or set STRANGLER_DIFF_DB)");
        }
        if (!diffDb.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--diff-db: " + masked() + " (expected: jdbc:postgresql://host:port/db)");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(diffDb);
        config.setMaximumPoolSize(2);
        config.setConnectionTimeout(5_000);
        config.setPoolName("strangler-cli-diff-db");
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("diff store unreachable at " + masked() + ": " + rootMessage(e), e);
        }
    }

    /** The URL with any password hidden. */
    String masked() {
        return diffDb == null ? "" : diffDb.replaceAll("(?i)(password=)[^&]*", "$1****");
    }

    ObjectMapper json() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
    }

    static String pct(double ratio) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * ratio);
    }

    /** One line on stderr, no stack trace; returns the exit code 1. */
    int fail(PrintWriter err, Exception e) {
        err.println("strangler shadow: " + rootMessage(e));
        return 1;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() != null && t.getMessage().equals(t.getCause().toString())) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
