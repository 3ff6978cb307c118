package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.cdc.CdcSyncException;
import dev.strangler.cdc.admin.Ownership;
import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.CliEnvironment;
import dev.strangler.cli.CliException;
import dev.strangler.cli.OutputOptions;
import dev.strangler.cli.audit.AuditChain;
import dev.strangler.shadow.Durations;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strangler audit export --since DATE --out FILE}: every routing, ramp and ownership change
 * since DATE, merged by time, as hash-chained JSON lines ({@link AuditChain}).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export every routing and ramp change (proxy audit log) and every data-ownership change"
                + " (CDC audit table, with --new-db) since DATE, merged by time, as JSON lines with a SHA-256 hash chain.",
                "Check the file with `strangler audit verify FILE`."},
        footer = {"%nExamples:",
                "  strangler audit export --since 2026-11-01 --out audit-2026-11.jsonl",
                "  strangler audit export --since 7d --new-db \"$STRANGLER_NEW_DB\" --out last-week.jsonl",
                "  strangler audit export --since 2026-11-28T04:00:00Z --out incident-4711.jsonl --force",
                "%nSample output:",
                "  exported 14 entries (proxy 12, cdc 2) since 2026-11-01T00:00:00Z to audit-2026-11.jsonl"
                        + " (last hash 3f9c1e0a…)"})
public final class AuditExportCommand implements Callable<Integer> {

    /** Env default of {@code --new-db}, as for {@code strangler cdc}. */
    static final String NEW_DB_ENV = "STRANGLER_NEW_DB";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--since", required = true, paramLabel = "DATE",
            description = "Oldest change to include: a date (2026-11-01, UTC midnight), an instant"
                    + " (2026-11-01T08:00:00Z) or an age (7d, 12h).")
    String since;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "File to write (refused if it exists, unless --force).")
    Path out;

    @Option(names = "--force", description = "Overwrite FILE if it exists.")
    boolean force;

    @Option(names = "--new-db", paramLabel = "JDBC_URL",
            description = "CDC control database holding strangler_cdc_audit (default: $" + NEW_DB_ENV
                    + "; without either, ownership changes are not exported).")
    String newDb;

    @Option(names = "--page-size", paramLabel = "N", defaultValue = "10000",
            description = "Proxy audit entries fetched per admin API call, 1..10000 (default: ${DEFAULT-VALUE});"
                    + " any number of entries is exported, page by page.")
    int pageSize;

    @Mixin
    AdminOptions admin;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        Instant from = parseSince(since);
        if (Files.exists(out) && !force) {
            throw CliException.usage("--out " + out + ": file exists (choose another name, or add --force)");
        }
        String cdcUrl = newDb != null ? newDb : CliEnvironment.of(spec).get(NEW_DB_ENV).orElse(null);
        if (cdcUrl != null && !cdcUrl.startsWith("jdbc:postgresql://")) {
            throw CliException.usage("--new-db: " + location(cdcUrl) + " (expected: jdbc:postgresql://host:port/db)");
        }
        Instant exportedAt = Instant.now();

        List<ObjectNode> lines = new ArrayList<>();
        int proxyCount = 0;
        for (JsonNode e : proxyEntries(from)) {
            Instant t = Instant.parse(e.path("time").asText());
            if (t.isBefore(from) || t.isAfter(exportedAt)) {
                continue; // an older proxy ignores ?since=; entries after the export started belong to the next one
            }
            String action = e.path("action").asText();
            ObjectNode line = entryLine("proxy", action.startsWith("ramp-") ? "ramp" : "routing", t);
            line.set("entry", e);
            lines.add(line);
            proxyCount++;
        }
        int cdcCount = 0;
        if (cdcUrl != null) {
            List<Ownership.AuditRow> rows;
            try {
                rows = Ownership.audit(cdcUrl, from);
            } catch (CdcSyncException e) {
                throw CliException.failure("CDC audit at " + location(cdcUrl) + ": " + e.getMessage(), e);
            }
            for (Ownership.AuditRow r : rows) {
                if (r.at().isAfter(exportedAt)) {
                    continue;
                }
                ObjectNode line = entryLine("cdc", r.action().equals("cdc.owner") ? "ownership" : "cdc", r.at());
                line.putObject("entry").put("id", r.id()).put("time", r.at().toString()).put("actor", r.actor())
                        .put("action", r.action()).put("table", r.subject()).put("from", r.from()).put("to", r.to())
                        .put("reason", r.detail());
                lines.add(line);
                cdcCount++;
            }
        }
        // Stable: equal times keep proxy before cdc, each in its own log's order.
        lines.sort(Comparator.comparing(l -> Instant.parse(l.get("time").asText())));

        ObjectNode header = JSON.createObjectNode();
        header.put("n", 1).put("type", "header").put("format", "strangler-audit-export/1")
                .put("exportedAt", exportedAt.toString()).put("since", from.toString()).put("until", exportedAt.toString());
        var sources = header.putArray("sources");
        sources.addObject().put("source", "proxy").put("location", admin.settings().baseUri().toString())
                .put("entries", proxyCount);
        if (cdcUrl != null) {
            sources.addObject().put("source", "cdc").put("location", location(cdcUrl)).put("entries", cdcCount);
        }
        header.put("entries", lines.size());

        String last = write(header, lines);
        if (output.isJson()) {
            ObjectNode r = JSON.createObjectNode().put("file", out.toString()).put("entries", lines.size())
                    .put("proxy", proxyCount).put("cdc", cdcCount).put("since", from.toString()).put("lastHash", last);
            output.printJson(r);
        } else {
            output.out().printf("exported %d entries (proxy %d, cdc %s) since %s to %s (last hash %s…)%n", lines.size(),
                    proxyCount, cdcUrl == null ? "not asked: no --new-db" : Integer.toString(cdcCount), from, out,
                    last.substring(0, 12));
            output.out().flush();
        }
        return 0;
    }

    /**
     * Every proxy audit entry since {@code from}, oldest first, fetched newest page first with
     * {@code beforeSeq} so a log of any length is exported whole.
     */
    private List<JsonNode> proxyEntries(Instant from) {
        if (pageSize < 1 || pageSize > 10_000) {
            throw CliException.usage("--page-size: " + pageSize + " (expected: 1..10000)");
        }
        ArrayDeque<JsonNode> all = new ArrayDeque<>();
        long before = 0;
        while (true) {
            JsonNode entries = admin.client().audit(null, from, 0, before, pageSize).path("entries");
            for (int i = entries.size() - 1; i >= 0; i--) {
                JsonNode e = entries.get(i);
                long seq = e.path("seq").asLong(0);
                if (before != 0 && (seq == 0 || seq >= before)) {
                    throw CliException.failure("the proxy at " + admin.settings().baseUri() + " ignores ?beforeSeq= (an"
                            + " older version): upgrade it, or export a shorter range (a later --since) of fewer than "
                            + pageSize + " entries");
                }
                all.addFirst(e);
            }
            if (entries.size() < pageSize) {
                return List.copyOf(all);
            }
            before = entries.get(0).path("seq").asLong(0);
            if (before <= 1) {
                return List.copyOf(all);
            }
        }
    }

    private static ObjectNode entryLine(String source, String kind, Instant time) {
        ObjectNode line = JSON.createObjectNode();
        line.put("n", 0).put("type", "entry").put("source", source).put("kind", kind).put("time", time.toString());
        return line;
    }

    /** Numbers and seals the lines, writes them to a temp file next to {@code out}, then moves it in place. */
    private String write(ObjectNode header, List<ObjectNode> lines) {
        Path target = out.toAbsolutePath();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            String prev = AuditChain.GENESIS;
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                prev = AuditChain.seal(header, prev);
                w.write(AuditChain.write(header));
                w.write('\n');
                int n = 2;
                for (ObjectNode line : lines) {
                    line.put("n", n++);
                    prev = AuditChain.seal(line, prev);
                    w.write(AuditChain.write(line));
                    w.write('\n');
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return prev;
        } catch (IOException e) {
            throw CliException.failure("cannot write " + out + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "): check the folder exists and is writable", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the export itself succeeded or already failed with a message
                }
            }
        }
    }

    static Instant parseSince(String text) {
        String t = text.strip();
        try {
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (t.contains("T")) {
                return Instant.parse(t);
            }
            return Instant.now().minus(Durations.parse(t));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw CliException.usage("--since '" + text + "': not a date, instant or age (expected e.g. 2026-11-01,"
                    + " 2026-11-01T08:00:00Z or 7d)");
        }
    }

    /** A JDBC URL without its query (user, password), for the header and messages. */
    static String location(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
    }
}
