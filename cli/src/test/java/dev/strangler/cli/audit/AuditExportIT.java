package dev.strangler.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.cdc.admin.Ownership;
import dev.strangler.cli.CliRun;
import dev.strangler.cli.CliRun.Result;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.proxy.ProxyConfig;
import dev.strangler.proxy.ProxyConfigLoader;
import dev.strangler.proxy.ProxyServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strangler audit export} from a live proxy (routing and ramp entries) and a real CDC audit
 * table (ownership changes), then {@code audit verify} on the file and on tampered copies.
 */
class AuditExportIT {
    private static final String TOKEN = "it-operator-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static LocalPostgres pg;
    private static String newDb;
    private static ProxyServer proxy;
    private static Path export;
    private static List<String> lines;

    @BeforeAll
    static void exportOnce() throws Exception {
        pg = LocalPostgres.start();
        newDb = pg.createDatabase("audit_new").jdbcUrl("audit_new");
        String yaml = """
                listen: 127.0.0.1:0
                threads: 1
                admin:
                  listen: 127.0.0.1:0
                  tokens:
                    oncall: %s
                backends:
                  monolith: http://127.0.0.1:9
                  appointments: http://127.0.0.1:9
                routes:
                  - id: appointments
                    match: { pathPrefix: /api/appointments }
                    legacy: monolith
                    target: appointments
                state:
                  dir: state
                shutdownGrace: 1s
                """.formatted(TOKEN);
        ProxyConfig config = ProxyConfigLoader.parse(new StringReader(yaml), "it.yaml", dir, name -> null);
        proxy = ProxyServer.start(config, new SimpleMeterRegistry(), Clock.systemUTC());

        CliRun cli = cli();
        assertThat(cli.run("routes", "set-weight", "appointments", "5%", "--reason", "first step").exit()).isZero();
        ObjectNode gates = JSON.createObjectNode().put("step", 1).put("errorRatio", 0.001).put("p99Ms", 42);
        proxy.controller().record("ramp", "ramp-step", "appointments", "gates passed", gates);
        Ownership.change(newDb, "appointments", Ownership.Owner.NEW, "dba", "writes moved to the new service",
                List.of(), 0, 0);
        assertThat(cli.run("rollback", "appointments", "--reason", "5xx spike").exit()).isZero();

        export = dir.resolve("audit.jsonl");
        Result r = cli.run("audit", "export", "--since", "1d", "--new-db", newDb, "--out", export.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("exported 4 entries (proxy 3, cdc 1)");
        lines = Files.readAllLines(export, StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static CliRun cli() {
        return new CliRun(dir.resolve("home")).env("STRANGLER_ADMIN_URL", "http://127.0.0.1:" + proxy.adminPort())
                .env("STRANGLER_TOKEN", TOKEN);
    }

    @Test
    void exportHoldsEveryChangeMergedByTimeWithWhoWhyAndGateFigures() throws Exception {
        assertThat(lines).hasSize(5);
        JsonNode header = JSON.readTree(lines.get(0));
        assertThat(header.path("type").asText()).isEqualTo("header");
        assertThat(header.path("entries").asInt()).isEqualTo(4);
        assertThat(header.path("sources").toString()).contains("\"proxy\"", "\"cdc\"", "jdbc:postgresql://")
                .doesNotContain("password", "user=");
        assertThat(header.path("prevHash").asText()).isEqualTo(AuditChain.GENESIS);
        List<String> kinds = new ArrayList<>();
        String prev = header.path("hash").asText();
        for (int i = 1; i < lines.size(); i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            assertThat(line.path("n").asInt()).isEqualTo(i + 1);
            assertThat(line.path("prevHash").asText()).isEqualTo(prev);
            prev = line.path("hash").asText();
            kinds.add(line.path("kind").asText() + ":" + line.path("entry").path("action").asText());
        }
        assertThat(kinds).containsExactly("routing:set-weight", "ramp:ramp-step", "ownership:cdc.owner",
                "routing:rollback");
        JsonNode ramp = JSON.readTree(lines.get(2)).path("entry");
        assertThat(ramp.path("details").path("p99Ms").asInt()).isEqualTo(42);
        assertThat(ramp.path("actor").asText()).isEqualTo("ramp");
        JsonNode owner = JSON.readTree(lines.get(3)).path("entry");
        assertThat(owner.path("actor").asText()).isEqualTo("dba");
        assertThat(owner.path("reason").asText()).isEqualTo("writes moved to the new service");
        assertThat(owner.path("from").asText() + "->" + owner.path("to").asText()).isEqualTo("both->new");
    }

    @Test
    void smallPagesExportTheSameEntriesAsOnePage() throws Exception {
        Path paged = dir.resolve("paged.jsonl");
        Result r = cli().run("audit", "export", "--since", "1d", "--new-db", newDb, "--out", paged.toString(),
                "--page-size", "1");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(entries(paged)).isEqualTo(entries(export)).hasSize(4);
        assertThat(cli().run("audit", "verify", paged.toString()).exit()).isZero();
        Result bad = cli().run("audit", "export", "--since", "1d", "--out", dir.resolve("bad.jsonl").toString(),
                "--page-size", "0");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--page-size: 0 (expected: 1..10000)");
    }

    /** The exported entries without the export's own fields (times of export, hashes). */
    private static List<String> entries(Path file) throws Exception {
        List<String> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            out.add(JSON.readTree(line).path("entry").toString());
        }
        return out;
    }

    @Test
    void verifyAcceptsTheUntouchedExport() {
        Result r = cli().run("audit", "verify", export.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("OK ").contains("header + 4 entries (cdc 1, proxy 3)", "chain intact");
    }

    @Test
    void oneEditedByteIsNamedByLine() throws Exception {
        List<String> copy = new ArrayList<>(lines);
        copy.set(3, copy.get(3).replace("writes moved", "writes mowed"));
        Result r = verify(copy, "edited.jsonl");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("line 4: edited");
    }

    @Test
    void aDeletedLineIsNamedByLine() throws Exception {
        List<String> copy = new ArrayList<>(lines);
        copy.remove(2);
        Result r = verify(copy, "deleted.jsonl");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("line 3: removed");
    }

    @Test
    void aCutOffTailIsCaughtByTheHeaderCount() throws Exception {
        Result r = verify(new ArrayList<>(lines.subList(0, 4)), "cut.jsonl");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("line 4: removed", "header says 4");
    }

    @Test
    void twoSwappedLinesAreNamedByLine() throws Exception {
        List<String> copy = new ArrayList<>(lines);
        Collections.swap(copy, 2, 3);
        Result r = verify(copy, "swapped.jsonl");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("line 3: reordered");
    }

    @Test
    void anEditedAndReHashedLineBreaksTheNextLink() throws Exception {
        List<String> copy = new ArrayList<>(lines);
        ObjectNode line = (ObjectNode) JSON.readTree(copy.get(1));
        ((ObjectNode) line.get("entry")).put("reason", "nothing to see");
        AuditChain.seal(line, line.get("prevHash").asText());
        copy.set(1, line.toString());
        Result r = verify(copy, "rehashed.jsonl");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("line 3: its prevHash does not match the hash of line 2");
    }

    @Test
    void anExistingFileIsNotOverwrittenWithoutForce() {
        Result r = cli().run("audit", "export", "--since", "2026-01-01", "--out", export.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("file exists");
    }

    private Result verify(List<String> content, String name) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, content, StandardCharsets.UTF_8);
        return cli().run("audit", "verify", f.toString());
    }
}
