package dev.strangler.cdc;

import static dev.strangler.cdc.TestSchemas.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * The real sample schemas: the monolith's migrations and the appointments service's migration,
 * read from their modules' sources, and the shipped mapping between them.
 */
final class SampleSchemas {

    static final Path MONOLITH_DB = Path.of("..", "sample-monolith", "src", "main", "resources", "db", "monolith");
    static final Path SERVICE_DB = Path.of("..", "extracted-services", "appointments", "src", "main", "resources",
            "db", "appointments");
    static final Path MAPPING = Path.of("src", "main", "resources", "mappings", "appointments.yaml");

    private SampleSchemas() {
    }

    /** Migrates {@code monolith} and {@code service} and sets the replica identity the shipped mapping needs. */
    static void create(DataSource monolith, DataSource service) {
        migrate(monolith, MONOLITH_DB);
        migrate(service, SERVICE_DB);
        exec(monolith, "ALTER TABLE phys_lic REPLICA IDENTITY FULL");
    }

    /** Applies the migrations listed in the module's migrations.index, in order. */
    static void migrate(DataSource ds, Path dir) {
        try {
            for (String line : Files.readAllLines(dir.resolve("migrations.index"))) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    exec(ds, Files.readString(dir.resolve(line.strip())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migrations in " + dir, e);
        }
    }
}
