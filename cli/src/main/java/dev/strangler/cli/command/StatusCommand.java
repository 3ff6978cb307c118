package dev.strangler.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cdc.CdcStatus;
import dev.strangler.cdc.Direction;
import dev.strangler.cdc.admin.SlotAdmin;
import dev.strangler.cli.AdminClient;
import dev.strangler.cli.AdminOptions;
import dev.strangler.cli.CliException;
import dev.strangler.cli.OutputOptions;
import dev.strangler.cli.Table;
import dev.strangler.cli.Weights;
import dev.strangler.shadow.Durations;
import dev.strangler.shadow.store.DiffQueries;
import dev.strangler.shadow.store.RouteReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code strangler status}: one screen over every source that is configured — the proxy (routes,
 * circuits, recent audit), the diff store (match rates), the CDC databases (lag, dead letters).
 * An unreachable source is one line; the rest still shows; exit 1 if any configured source failed.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"One screen: routes and weights, circuit states, recent audit entries (proxy admin API),"
                + " shadow match rates (with --diff-db), CDC lag and dead letters (with --legacy-db and --new-db).",
                "Each source is optional; one that cannot be read prints one line saying so and the rest still"
                        + " shows (exit 1 if any configured source failed)."},
        footer = {"%nExamples:",
                "  strangler status",
                "  strangler status --diff-db \"$STRANGLER_DIFF_DB\" --since 15m",
                "  strangler status --legacy-db \"$STRANGLER_LEGACY_DB\" --new-db \"$STRANGLER_NEW_DB\" --output json",
                "%nSample output:",
                "  ROUTE         LEGACY    TARGET        WEIGHT",
                "  appointments  monolith  appointments  25%%",
                "  circuits: n/a (this proxy has no /api/backends)",
                "  shadow (last 1h): appointments 1200 compared, 99.75%% match",
                "  cdc strangler_fwd (forward): ACTIVE, lag 12 ms, 0 dead letters"})
public final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Mixin
    OutputOptions output;

    @Mixin
    ShadowOptions shadow;

    @Option(names = "--since", defaultValue = "1h", paramLabel = "AGE",
            description = "Window for shadow match rates, e.g. 15m, 1h, 7d (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--legacy-db", paramLabel = "JDBC_URL", defaultValue = "${env:STRANGLER_LEGACY_DB}",
            description = "Legacy database, for CDC status (default: $STRANGLER_LEGACY_DB).")
    String legacyDb;

    @Option(names = "--new-db", paramLabel = "JDBC_URL", defaultValue = "${env:STRANGLER_NEW_DB}",
            description = "New service's database, for CDC status (default: $STRANGLER_NEW_DB).")
    String newDb;

    @Option(names = "--slot", paramLabel = "NAME", defaultValue = "${env:STRANGLER_CDC_SLOT:-strangler_fwd}",
            description = "Forward syncer's slot (default: $STRANGLER_CDC_SLOT or ${DEFAULT-VALUE}).")
    String slot;

    @Option(names = "--reverse-slot", paramLabel = "NAME",
            description = "Also show the reverse syncer with this slot (new → legacy).")
    String reverseSlot;

    private final List<String> failures = new ArrayList<>();
    private final ObjectNode doc = JSON.createObjectNode();

    @Override
    public Integer call() {
        Duration window;
        try {
            window = Durations.parse(since);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--since: " + e.getMessage());
        }
        boolean cdc = present(legacyDb) || present(newDb);
        if (cdc && !(present(legacyDb) && present(newDb))) {
            throw CliException.usage("CDC status needs both --legacy-db and --new-db (or STRANGLER_LEGACY_DB and"
                    + " STRANGLER_NEW_DB); only " + (present(legacyDb) ? "--legacy-db" : "--new-db") + " is set");
        }
        PrintWriter out = output.out();
        List<Runnable> printers = new ArrayList<>();
        proxy(printers);
        if (present(shadow.diffDb)) {
            section("shadow", printers, n -> shadowRates(n, window, printers));
        } else {
            doc.putObject("shadow").put("configured", false);
            printers.add(() -> out.println("shadow: not configured (--diff-db or STRANGLER_DIFF_DB)"));
        }
        if (cdc) {
            section("cdc", printers, n -> {
                ArrayNode syncers = n.putArray("syncers");
                cdcStatus(syncers, legacyDb, newDb, slot, Direction.FORWARD, printers);
                if (reverseSlot != null) {
                    cdcStatus(syncers, newDb, legacyDb, reverseSlot, Direction.REVERSE, printers);
                }
            });
        } else {
            doc.putObject("cdc").put("configured", false);
            printers.add(() -> out.println("cdc: not configured (--legacy-db and --new-db)"));
        }
        ArrayNode f = doc.putArray("failures");
        failures.forEach(f::add);
        if (output.isJson()) {
            output.printJson(doc);
        } else {
            printers.forEach(Runnable::run);
        }
        out.flush();
        return failures.isEmpty() ? 0 : CliException.FAILURE;
    }

    private void proxy(List<Runnable> printers) {
        PrintWriter out = output.out();
        ObjectNode n = doc.putObject("proxy");
        n.put("admin", admin.settings().baseUri().toString());
        AdminClient client = admin.client();
        JsonNode routes;
        try {
            routes = client.routes();
        } catch (CliException e) {
            fail(n, "proxy", e.getMessage(), printers);
            return; // the other proxy reads would only repeat the same failure
        }
        n.put("ok", true);
        n.set("routes", routes);
        printers.add(() -> {
            Table t = new Table("ROUTE", "LEGACY", "TARGET", "WEIGHT");
            for (JsonNode r : routes.path("routes")) {
                t.row(r.path("id").asText(), r.path("legacy").asText(), RouteText.text(r.path("target")),
                        Weights.format(r.path("weightBps").asInt()));
            }
            t.print(out);
            out.println("route table version " + routes.path("version").asText());
        });
        try {
            var backends = client.getIfPresent("/api/backends");
            if (backends.isEmpty()) {
                n.putNull("backends");
                printers.add(() -> out.println("circuits: n/a (this proxy has no /api/backends)"));
            } else {
                n.set("backends", backends.get());
                printers.add(() -> printBackends(out, backends.get()));
            }
        } catch (CliException e) {
            fail(n, "proxy circuits", e.getMessage(), printers);
        }
        if (admin.settings().token().isEmpty()) {
            n.putNull("audit");
            printers.add(() -> out.println("audit: needs a token (set STRANGLER_TOKEN or --token-file)"));
            return;
        }
        try {
            JsonNode audit = client.audit(5);
            n.set("audit", audit.path("entries"));
            printers.add(() -> {
                out.println("recent audit entries:");
                Table t = new Table("TIME", "ACTOR", "ACTION", "ROUTE", "REASON");
                for (JsonNode e : audit.path("entries")) {
                    t.row(e.path("time").asText(), e.path("actor").asText(), e.path("action").asText(),
                            e.path("route").asText(), RouteText.text(e.path("reason")));
                }
                if (t.size() == 0) {
                    out.println("  none");
                } else {
                    t.print(out);
                }
            });
        } catch (CliException e) {
            fail(n, "proxy audit", e.getMessage(), printers);
        }
    }

    private static void printBackends(PrintWriter out, JsonNode doc) {
        Table t = new Table("BACKEND", "CIRCUIT", "ENDPOINTS", "HEALTHY");
        for (JsonNode b : doc.path("backends")) {
            int healthy = 0;
            for (JsonNode e : b.path("endpoints")) {
                if ("healthy".equals(e.path("state").asText())) {
                    healthy++;
                }
            }
            t.row(b.path("name").asText(), b.path("circuit").asText("n/a"),
                    Integer.toString(b.path("endpoints").size()), Integer.toString(healthy));
        }
        t.print(out);
    }

    private void shadowRates(ObjectNode n, Duration window, List<Runnable> printers) {
        PrintWriter out = output.out();
        Instant from = Instant.now().minus(window);
        n.put("since", since);
        ArrayNode rates = n.putArray("routes");
        List<String> lines = new ArrayList<>();
        try (HikariDataSource ds = shadow.dataSource()) {
            DiffQueries q = new DiffQueries(ds, shadow.noiseRule());
            for (String route : q.routes(from)) {
                RouteReport r = q.report(route, from, 3);
                rates.addObject().put("route", route).put("comparisons", r.comparisons()).put("matches", r.matches())
                        .put("mismatchRatio", r.mismatchRatio()).put("timeouts", r.timeouts());
                lines.add(String.format(Locale.ROOT, "  %s: %d compared, %s match, %d timeouts", route, r.comparisons(),
                        ShadowOptions.pct(1 - r.mismatchRatio()), r.timeouts()));
            }
        }
        printers.add(() -> {
            out.println("shadow (last " + since + "):" + (lines.isEmpty() ? " no mirrored traffic" : ""));
            lines.forEach(out::println);
        });
    }

    private void cdcStatus(ArrayNode syncers, String source, String target, String slotName, Direction d,
            List<Runnable> printers) {
        PrintWriter out = output.out();
        CdcStatus s = new SlotAdmin(source, target, slotName, d).status();
        syncers.addObject().put("slot", s.slot()).put("direction", d.id()).put("state", s.role())
                .put("lagMs", s.lagMs()).put("deadLetters", s.dlqSize()).put("retainedWalBytes", s.retainedWalBytes())
                .put("stoppedTables", s.stoppedTables().size());
        printers.add(() -> out.printf(Locale.ROOT, "cdc %s (%s): %s, lag %s, %d dead letters%s%n", s.slot(), d.id(),
                s.role(), s.lagMs() < 0 ? "-" : s.lagMs() + " ms", s.dlqSize(),
                s.stoppedTables().isEmpty() ? "" : ", " + s.stoppedTables().size() + " table(s) stopped"));
    }

    /** Runs one optional source; any failure becomes one line and a non-zero exit, the rest goes on. */
    private void section(String name, List<Runnable> printers, Consumer<ObjectNode> body) {
        ObjectNode n = doc.putObject(name);
        n.put("configured", true);
        int before = printers.size();
        try {
            body.accept(n);
            n.put("ok", true);
        } catch (CliException e) {
            if (e.exitCode() == CliException.USAGE) {
                throw e; // a malformed URL is the operator's typo, not an unreachable source
            }
            dropFrom(printers, before);
            fail(n, name, e.getMessage(), printers);
        } catch (RuntimeException e) {
            while (printers.size() > before) {
                printers.remove(printers.size() - 1); // half a section would mislead
            }
            fail(n, name, e.getMessage(), printers);
        }
    }

    private static void dropFrom(List<Runnable> printers, int size) {
        while (printers.size() > size) {
            printers.remove(printers.size() - 1);
        }
    }

    private void fail(ObjectNode n, String name, String message, List<Runnable> printers) {
        String line = name + ": unavailable: " + oneLine(message);
        n.put("ok", false).put("error", oneLine(message));
        failures.add(line);
        printers.add(() -> output.out().println(line));
    }

    private static String oneLine(String s) {
        return s == null ? "(no message)" : s.replaceAll("\\s*[\\r\\n]+\\s*", "; ").strip();
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
