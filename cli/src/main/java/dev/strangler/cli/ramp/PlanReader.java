package dev.strangler.cli.ramp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.strangler.cli.DurationConverter;
import dev.strangler.cli.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link RampPlan} from defaults, then a plan file ({@code --plan ramp.yaml}), then flags
 * (each later source wins). Strict: an unknown key or a bad value is an
 * {@link IllegalArgumentException} naming the source and key. The same reader reads a plan back
 * from a {@code ramp-start} audit entry.
 */
public final class PlanReader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP = Set.of("steps", "hold", "checkInterval", "maxWait", "gates");
    private static final Set<String> GATES = Set.of("minRequests", "errorRatio", "p99", "mismatch", "cdcLag",
            "dlqGrowth", "verify");

    // Defaults, overwritten by a plan file and then by flags.
    List<RampPlan.Step> steps = RampPlan.DEFAULT_STEPS;
    Duration hold = Duration.ofMinutes(10);
    Duration checkInterval = Duration.ofSeconds(10);
    Duration maxWait;
    int minRequests = 100;
    Double maxErrorRatioIncrease = 0.01;
    Double maxP99Ratio = 1.5;
    Duration p99Floor = Duration.ofMillis(50);
    Double maxMismatchRatio;
    int minComparisons = 20;
    Duration maxCdcLag;
    Long maxDlqGrowth;
    List<String> verifyTables = List.of();
    Duration verifyEvery = Duration.ofSeconds(60);

    /** A reader holding the defaults. */
    public PlanReader() {
    }

    /** Applies a plan file; errors name the file and key. */
    public PlanReader file(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("plan " + file + ": cannot read it as YAML (" + oneLine(e.getMessage()) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("plan " + file + ": expected a YAML mapping with steps, hold, gates, …");
        }
        return tree(root, "plan " + file);
    }

    /** Reads the plan recorded in a {@code ramp-start} entry. */
    public static RampPlan fromJson(JsonNode plan) {
        return new PlanReader().tree(plan, "ramp-start plan").build();
    }

    PlanReader tree(JsonNode root, String source) {
        known(root, TOP, source, "");
        if (root.has("steps")) {
            steps(root.get("steps"), source + ": steps");
        }
        if (root.has("hold")) {
            hold = duration(root.get("hold"), source + ": hold");
        }
        if (root.has("checkInterval")) {
            checkInterval = duration(root.get("checkInterval"), source + ": checkInterval");
        }
        if (root.has("maxWait")) {
            maxWait = duration(root.get("maxWait"), source + ": maxWait");
        }
        JsonNode g = root.path("gates");
        if (!g.isMissingNode()) {
            known(g, GATES, source, "gates.");
            if (g.has("minRequests")) {
                minRequests = integer(g.get("minRequests"), source + ": gates.minRequests");
            }
            if (g.has("errorRatio")) {
                JsonNode e = gate(g, "errorRatio", Set.of("maxIncrease"), source);
                maxErrorRatioIncrease = e == null ? null : number(e.path("maxIncrease"), 0.01, source + ": gates.errorRatio.maxIncrease");
            }
            if (g.has("p99")) {
                JsonNode e = gate(g, "p99", Set.of("maxRatio", "floor"), source);
                maxP99Ratio = e == null ? null : number(e.path("maxRatio"), 1.5, source + ": gates.p99.maxRatio");
                if (e != null && e.has("floor")) {
                    p99Floor = duration(e.get("floor"), source + ": gates.p99.floor");
                }
            }
            if (g.has("mismatch")) {
                JsonNode e = gate(g, "mismatch", Set.of("maxRatio", "minComparisons"), source);
                maxMismatchRatio = e == null ? null : number(e.path("maxRatio"), 0.01, source + ": gates.mismatch.maxRatio");
                if (e != null && e.has("minComparisons")) {
                    minComparisons = integer(e.get("minComparisons"), source + ": gates.mismatch.minComparisons");
                }
            }
            if (g.has("cdcLag")) {
                JsonNode e = gate(g, "cdcLag", Set.of("max"), source);
                maxCdcLag = e == null ? null : e.has("max") ? duration(e.get("max"), source + ": gates.cdcLag.max") : Duration.ofSeconds(5);
            }
            if (g.has("dlqGrowth")) {
                JsonNode e = gate(g, "dlqGrowth", Set.of("max"), source);
                maxDlqGrowth = e == null ? null : e.has("max") ? (long) integer(e.get("max"), source + ": gates.dlqGrowth.max") : 0L;
            }
            if (g.has("verify")) {
                JsonNode e = gate(g, "verify", Set.of("tables", "every"), source);
                if (e == null) {
                    verifyTables = List.of();
                } else {
                    verifyTables = strings(e.path("tables"), source + ": gates.verify.tables");
                    if (e.has("every")) {
                        verifyEvery = duration(e.get("every"), source + ": gates.verify.every");
                    }
                }
            }
        }
        return this;
    }

    /** {@code --steps 1%,5%,owner:appointments=new,100%} (a bare number is a percentage). */
    public PlanReader steps(String csv) {
        List<RampPlan.Step> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(step(s.strip(), "--steps"));
        }
        steps = out;
        return this;
    }

    public PlanReader hold(Duration d) {
        hold = d;
        return this;
    }

    public PlanReader checkInterval(Duration d) {
        checkInterval = d;
        return this;
    }

    public PlanReader maxWait(Duration d) {
        maxWait = d;
        return this;
    }

    public PlanReader minRequests(int n) {
        minRequests = n;
        return this;
    }

    public PlanReader maxErrorRatioIncrease(Double v) {
        maxErrorRatioIncrease = v;
        return this;
    }

    public PlanReader maxP99Ratio(Double v) {
        maxP99Ratio = v;
        return this;
    }

    public PlanReader p99Floor(Duration d) {
        p99Floor = d;
        return this;
    }

    public PlanReader maxMismatchRatio(Double v) {
        maxMismatchRatio = v;
        return this;
    }

    public PlanReader minComparisons(int n) {
        minComparisons = n;
        return this;
    }

    public PlanReader maxCdcLag(Duration d) {
        maxCdcLag = d;
        return this;
    }

    public PlanReader maxDlqGrowth(Long n) {
        maxDlqGrowth = n;
        return this;
    }

    public PlanReader verifyTables(List<String> tables) {
        verifyTables = List.copyOf(tables);
        return this;
    }

    public PlanReader verifyEvery(Duration d) {
        verifyEvery = d;
        return this;
    }

    /** Turns a gate off by name: errorRatio, p99, mismatch, cdcLag, dlqGrowth, verify. */
    public PlanReader off(String gate) {
        switch (gate) {
            case "errorRatio" -> maxErrorRatioIncrease = null;
            case "p99" -> maxP99Ratio = null;
            case "mismatch" -> maxMismatchRatio = null;
            case "cdcLag" -> maxCdcLag = null;
            case "dlqGrowth" -> maxDlqGrowth = null;
            case "verify" -> verifyTables = List.of();
            default -> throw new IllegalArgumentException("--no-gate " + gate
                    + " (expected one of: errorRatio, p99, mismatch, cdcLag, dlqGrowth, verify)");
        }
        return this;
    }

    /** The plan; {@link IllegalArgumentException} when the parts do not fit together. */
    public RampPlan build() {
        return new RampPlan(steps, hold, checkInterval, maxWait == null ? hold : maxWait,
                new RampPlan.Gates(minRequests, maxErrorRatioIncrease, maxP99Ratio, p99Floor, maxMismatchRatio,
                        minComparisons, maxCdcLag, maxDlqGrowth, verifyTables, verifyEvery));
    }

    /** {@code 1500ms}, {@code 10s}, {@code 10m}: the shortest exact form {@link DurationConverter} reads back. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private void steps(JsonNode node, String where) {
        if (!node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException(where + ": expected a list such as [1%, 5%, owner:appointments=new, 100%]");
        }
        List<RampPlan.Step> out = new ArrayList<>();
        node.forEach(n -> out.add(step(n.asText(), where)));
        steps = out;
    }

    private static RampPlan.Step step(String text, String where) {
        try {
            if (text.startsWith("owner:")) {
                return RampPlan.Owner.parse(text);
            }
            String t = text.matches("\\d+(\\.\\d+)?") ? text + "%" : text;
            return new RampPlan.Weight(Weights.parseBps(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** A gate's settings object, or null for {@code off}/{@code false}; {@code on}/{@code true}/{@code {}} = defaults. */
    private static JsonNode gate(JsonNode gates, String name, Set<String> keys, String source) {
        JsonNode n = gates.get(name);
        if (n.isBoolean() || n.isTextual() && (n.asText().equals("off") || n.asText().equals("on"))) {
            return n.asBoolean() || n.asText().equals("on") ? YAML.createObjectNode() : null;
        }
        if (n.isNull()) {
            return YAML.createObjectNode();
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException(source + ": gates." + name + ": " + n + " (expected: off, on, or a mapping of "
                    + String.join(", ", keys) + ")");
        }
        known(n, keys, source, "gates." + name + ".");
        return n;
    }

    private static void known(JsonNode node, Set<String> keys, String source, String prefix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String k = it.next().getKey();
            if (!keys.contains(k)) {
                throw new IllegalArgumentException(source + ": " + prefix + k + ": unknown key (expected one of: "
                        + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        }
    }

    private static Duration duration(JsonNode n, String where) {
        try {
            return new DurationConverter().convert(n.asText());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static int integer(JsonNode n, String where) {
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 0) {
            throw new IllegalArgumentException(where + ": " + n + " (expected: a whole number >= 0)");
        }
        return n.asInt();
    }

    private static Double number(JsonNode n, double dflt, String where) {
        if (n.isMissingNode()) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw new IllegalArgumentException(where + ": " + n + " (expected: a number)");
        }
        return n.asDouble();
    }

    private static List<String> strings(JsonNode n, String where) {
        if (!n.isArray() || n.isEmpty()) {
            throw new IllegalArgumentException(where + ": expected a list of new-side table names, e.g. [appointments]");
        }
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ").strip();
    }
}
