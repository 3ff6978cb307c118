package dev.strangler.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.cli.CliRun;
import dev.strangler.cli.CliRun.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strangler proxy --check}: exit 0 for a valid config, 2 (usage) with every problem for a bad one. */
class ProxyCommandTest {
    @TempDir
    Path dir;

    @Test
    void aValidConfigChecksOk() throws Exception {
        Path ok = dir.resolve("ok.yaml");
        Files.writeString(ok, """
                backends: { monolith: http://127.0.0.1:8081 }
                routes:
                  - { id: all, match: { pathPrefix: / }, legacy: monolith }
                metrics:
                  statsd: { enabled: true, port: 8125 }
                """);
        Result r = new CliRun(dir).run("proxy", "--config", ok.toString(), "--check");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("OK (1 backends, 1 routes");
    }

    @Test
    void aBadConfigIsAUsageErrorListingEveryProblem() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                threadz: 1
                backends: { monolith: http://127.0.0.1:8081 }
                routes:
                  - { id: all, match: { pathPrefix: / }, legacy: monolith, weightBps: 12000 }
                """);
        Result r = new CliRun(dir).run("proxy", "--config", bad.toString(), "--check");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(2).anyMatch(l -> l.contains(":1: threadz: unknown key"))
                .anyMatch(l -> l.contains(":4: routes[0].weightBps: 12000"));

        Result missing = new CliRun(dir).run("proxy", "--config", dir.resolve("nope.yaml").toString(), "--check");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read config file");
    }
}
