package dev.strangler.cdc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Mappings shipped inside this module ({@code mappings/<name>.yaml} on the class path), e.g.
 * {@code appointments} for the sample monolith → appointments service used by the demo.
 */
public final class ShippedMappings {

    private ShippedMappings() {
    }

    /** Writes the shipped mapping {@code name} into {@code dir} and returns the file (syncers read files). */
    public static Path extract(String name, Path dir) {
        String resource = "/mappings/" + name + ".yaml";
        try (InputStream in = ShippedMappings.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("mapping: '" + name + "' is not shipped (expected: appointments)");
            }
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".yaml");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write mapping " + name + " into " + dir, e);
        }
    }
}
