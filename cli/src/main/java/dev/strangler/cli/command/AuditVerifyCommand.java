package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.cli.CliException;
import dev.strangler.cli.OutputOptions;
import dev.strangler.cli.audit.AuditChain;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code strangler audit verify FILE}: checks an export's hash chain, names the first broken line. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check the hash chain of a file written by `strangler audit export`: nothing edited,"
                + " removed, inserted or reordered.",
                "Prints OK with counts (exit 0), or the first broken line and why (exit 1)."},
        footer = {"%nExamples:",
                "  strangler audit verify audit-2026-11.jsonl",
                "  strangler audit verify audit-2026-11.jsonl --output json",
                "%nSample output:",
                "  OK audit-2026-11.jsonl: header + 14 entries (cdc 2, proxy 12) since 2026-11-01T00:00:00Z,"
                        + " exported 2026-11-28T09:00:00Z; chain intact (last hash 3f9c1e0a…)",
                "  strangler: audit-2026-11.jsonl line 7: removed: holds entry 8 where entry 7 belongs (line(s) 7 missing)"})
public final class AuditVerifyCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "FILE", description = "An export written by `strangler audit export`.")
    Path file;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw CliException.usage("FILE " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw CliException.failure(file + ": not UTF-8 text: edited, or not an audit export");
        } catch (IOException e) {
            throw CliException.usage("FILE " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
        AuditChain.Result r = AuditChain.verify(lines);
        if (!r.ok()) {
            throw CliException.failure(file + " line " + r.line() + ": " + r.reason());
        }
        if (output.isJson()) {
            ObjectNode n = JSON.createObjectNode().put("file", file.toString()).put("ok", true).put("entries", r.entries());
            n.set("bySource", JSON.valueToTree(r.bySource()));
            n.put("since", r.header().path("since").asText()).put("exportedAt", r.header().path("exportedAt").asText())
                    .put("lastHash", r.lastHash());
            output.printJson(n);
        } else {
            String counts = r.bySource().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", "));
            output.out().printf("OK %s: header + %d entries (%s) since %s, exported %s; chain intact (last hash %s…)%n",
                    file, r.entries(), counts.isEmpty() ? "none" : counts, r.header().path("since").asText(),
                    r.header().path("exportedAt").asText(), r.lastHash().substring(0, 12));
            output.out().flush();
        }
        return 0;
    }
}
