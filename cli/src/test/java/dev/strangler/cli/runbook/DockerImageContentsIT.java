package dev.strangler.cli.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/**
 * What {@code ops/Dockerfile} copies exists after {@code mvn package} (Failsafe runs after the
 * package phase), and the copied jar would start in the image: its manifest names the main
 * class and every {@code Class-Path} entry is a file in the copied {@code lib/}. Docker itself is
 * not needed.
 */
class DockerImageContentsIT {

    private static final Path REPO = Path.of("..");

    @Test
    void everyCopiedPathExistsAndTheJarFindsAllItsLibraries() throws IOException {
        List<String> lines = Files.readAllLines(OpsFilesTest.OPS.resolve("Dockerfile")).stream().map(String::strip).toList();
        List<String> sources = DeploymentFilesTest.copySources(lines);

        assertThat(sources).isNotEmpty();
        for (String source : sources) {
            assertThat(REPO.resolve(source)).as("COPY %s (run `mvn -B -DskipTests package -pl cli -am` first)", source).exists();
        }

        Path jar = REPO.resolve("cli/target/strangler.jar");
        Path lib = REPO.resolve("cli/target/lib");
        Manifest manifest;
        try (JarFile file = new JarFile(jar.toFile())) {
            manifest = file.getManifest();
        }
        assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo("dev.strangler.cli.Main");
        String classPath = manifest.getMainAttributes().getValue("Class-Path");
        assertThat(classPath).isNotBlank();
        List<String> missing = new ArrayList<>();
        int entries = 0;
        for (String entry : classPath.trim().split("\\s+")) {
            entries++;
            if (!entry.startsWith("lib/") || !Files.isRegularFile(lib.resolve(entry.substring("lib/".length())))) {
                missing.add(entry);
            }
        }
        assertThat(entries).as("libraries on the jar's Class-Path").isGreaterThan(10);
        assertThat(missing).as("Class-Path entries missing from cli/target/lib (the image's /opt/strangler/lib)").isEmpty();
    }
}
