package dev.strangler.cli.command;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cli.CliException;
import dev.strangler.shadow.store.DiffStoreException;
import dev.strangler.shadow.noise.NoiseRule;
import picocli.CommandLine.Option;

/** Options every {@code strangler shadow} subcommand takes: where the diff store is. */
final class ShadowOptions {

    @Option(names = "--diff-db", paramLabel = "JDBC_URL", defaultValue = "${env:STRANGLER_DIFF_DB}",
            description = "JDBC URL of the diff store (default: $STRANGLER_DIFF_DB), e.g. "
                    + "jdbc:postgresql://db:5432/strangler?user=sre&password=...")
    String diffDb;

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
            throw CliException.usage("--diff-db: missing (expected: a JDBC URL, or set STRANGLER_DIFF_DB)");
        }
        if (!diffDb.startsWith("jdbc:postgresql:")) {
            throw CliException.usage("--diff-db: " + masked() + " (expected: jdbc:postgresql://host:port/db)");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(diffDb);
        config.setMaximumPoolSize(2);
        config.setConnectionTimeout(5_000);
        config.setPoolName("strangler-cli-diff-db");
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw CliException.failure("diff store unreachable at " + masked() + ": " + rootMessage(e), e);
        }
    }

    /** The URL with any password hidden. */
    String masked() {
        return diffDb == null ? "" : diffDb.replaceAll("(?i)(password=)[^&]*", "$1****");
    }

    /** {@code value} as a JSON tree with ISO-8601 instants, for {@code OutputOptions.printJson}. */
    JsonNode tree(Object value) {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).valueToTree(value);
    }

    /** A diff store failure as the CLI's one-line failure (exit 1). */
    static CliException failure(DiffStoreException e) {
        return CliException.failure(e.getMessage(), e);
    }

    static String pct(double ratio) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * ratio);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() != null && t.getMessage().equals(t.getCause().toString())) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
