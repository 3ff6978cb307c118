package dev.strangler.cli.command;

import dev.strangler.cdc.Direction;
import dev.strangler.cli.CliException;
import dev.strangler.legacyadapter.mapping.MappingException;
import dev.strangler.legacyadapter.mapping.MappingLoader;
import dev.strangler.legacyadapter.mapping.ServiceMapping;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every {@code strangler cdc} subcommand takes: the two databases, the mapping, the slot. */
final class CdcOptions {

    @Option(names = "--legacy-db", paramLabel = "JDBC_URL", defaultValue = "${env:STRANGLER_LEGACY_DB}",
            description = "JDBC URL of the legacy (monolith) database (default: $STRANGLER_LEGACY_DB)")
    String legacyDb;

    @Option(names = "--new-db", paramLabel = "JDBC_URL", defaultValue = "${env:STRANGLER_NEW_DB}",
            description = "JDBC URL of the extracted service's database (default: $STRANGLER_NEW_DB)")
    String newDb;

    @Option(names = "--mapping", paramLabel = "FILE", defaultValue = "${env:STRANGLER_CDC_MAPPING}",
            description = "service mapping YAML (default: $STRANGLER_CDC_MAPPING)")
    Path mapping;

    @Option(names = "--slot", paramLabel = "NAME", defaultValue = "${env:STRANGLER_CDC_SLOT:-strangler_fwd}",
            description = "replication slot of the syncer (default: $STRANGLER_CDC_SLOT or ${DEFAULT-VALUE})")
    String slot;

    @Option(names = "--direction", paramLabel = "DIR", defaultValue = "forward",
            description = "forward (legacy → new) or reverse (new → legacy) (default: ${DEFAULT-VALUE})")
    String direction;

    Direction direction() {
        try {
            return Direction.parse(direction);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--direction: " + e.getMessage());
        }
    }

    String legacyDb() {
        return url("--legacy-db", legacyDb, "STRANGLER_LEGACY_DB");
    }

    String newDb() {
        return url("--new-db", newDb, "STRANGLER_NEW_DB");
    }

    /** The database changes come from in this direction. */
    String sourceDb() {
        return direction() == Direction.FORWARD ? legacyDb() : newDb();
    }

    /** The database changes are applied to (and offsets, dead letters kept) in this direction. */
    String targetDb() {
        return direction() == Direction.FORWARD ? newDb() : legacyDb();
    }

    ServiceMapping mapping() {
        if (mapping == null) {
            throw CliException.usage("--mapping: missing (expected: a mapping YAML file, or set STRANGLER_CDC_MAPPING)");
        }
        try {
            return new MappingLoader().load(mapping);
        } catch (MappingException e) {
            // All problems, one per line after the first: they are what the operator must fix.
            throw CliException.usage(e.getMessage().replace("\n", " | "));
        }
    }

    private static String url(String flag, String value, String env) {
        if (value == null || value.isBlank()) {
            throw CliException.usage(flag + ": missing (expected: jdbc:postgresql://host:port/db?user=u&password=p, or set "
                    + env + ")");
        }
        if (!value.startsWith("jdbc:postgresql://")) {
            throw CliException.usage(flag + ": " + value.replaceAll("(password=)[^&]*", "$1***")
                    + " (expected: jdbc:postgresql://host:port/db)");
        }
        return value;
    }
}
