package dev.strangler.cli.ramp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.cli.Weights;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a ramp does: its steps, how long each holds, how often the gates are checked, and the
 * gates. Immutable; {@link #toJson()} is recorded in the {@code ramp-start} audit entry and
 * {@link PlanReader#fromJson} reads it back for {@code --resume}, so a resumed ramp follows the
 * plan it started with.
 *
 * @param steps         in order; the last weight step is normally 100%
 * @param hold          how long each step holds with every gate passing before the next step
 * @param checkInterval how often gates are evaluated during a hold
 * @param maxWait       extra time after the hold a step may wait for enough requests
 *                      ({@link Gates#minRequests()}) before the ramp gives up
 */
public record RampPlan(List<Step> steps, Duration hold, Duration checkInterval, Duration maxWait, Gates gates) {

    /** Steps when none are given: 1, 5, 10, 25, 50, 100 %. */
    public static final List<Step> DEFAULT_STEPS = List.of(new Weight(100), new Weight(500), new Weight(1000),
            new Weight(2500), new Weight(5000), new Weight(10_000));

    public RampPlan {
        steps = List.copyOf(steps);
        requireNonNull(hold, "hold");
        requireNonNull(checkInterval, "checkInterval");
        requireNonNull(maxWait, "maxWait");
        requireNonNull(gates, "gates");
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("steps: empty (expected at least one weight, e.g. 1%,5%,25%,100%)");
        }
        int last = -1;
        for (Step s : steps) {
            if (s instanceof Weight w) {
                if (w.bps() <= last) {
                    throw new IllegalArgumentException("steps: " + Weights.format(w.bps()) + " after " + Weights.format(last)
                            + " (expected: weights rising step by step; lowering is a rollback)");
                }
                last = w.bps();
            }
        }
        if (last < 0) {
            throw new IllegalArgumentException("steps: no weight step (expected at least one, e.g. 1%,5%,25%,100%)");
        }
        if (checkInterval.compareTo(hold) > 0) {
            throw new IllegalArgumentException("checkInterval " + PlanReader.format(checkInterval) + " is longer than hold "
                    + PlanReader.format(hold) + " (expected: checkInterval <= hold, so every step is checked)");
        }
    }

    /** One step of a plan. */
    public sealed interface Step permits Weight, Owner {
        /** {@code 25%} or {@code owner:appointments=new}: the form flags and plan files use. */
        String text();
    }

    /** Set the route's weight. */
    public record Weight(int bps) implements Step {
        public Weight {
            if (bps < 1 || bps > 10_000) {
                throw new IllegalArgumentException("step " + bps + "bps (expected: 0.01%..100%)");
            }
        }

        @Override
        public String text() {
            return Weights.format(bps);
        }
    }

    /** Move a table's write ownership, exactly as {@code strangler cdc owner TABLE OWNER} does. */
    public record Owner(String table, String owner) implements Step {
        private static final Pattern FORM = Pattern.compile("owner:([A-Za-z0-9_.]+)=(legacy|new|both)");

        public Owner {
            requireNonNull(table, "table");
            requireNonNull(owner, "owner");
        }

        /** {@code owner:TABLE=legacy|new|both}. */
        static Owner parse(String text) {
            Matcher m = FORM.matcher(text.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("step '" + text + "' (expected: owner:TABLE=legacy|new|both, e.g. owner:appointments=new)");
            }
            return new Owner(m.group(1), m.group(2));
        }

        @Override
        public String text() {
            return "owner:" + table + "=" + owner;
        }
    }

    /** The route's weight once steps 0..{@code index} have run (0 before the first weight step). */
    public int weightAt(int index) {
        int w = 0;
        for (int i = 0; i <= index && i < steps.size(); i++) {
            if (steps.get(i) instanceof Weight x) {
                w = x.bps();
            }
        }
        return w;
    }

    /**
     * The gates and their bounds. A null bound means the gate is off. {@code errorRatio} and
     * {@code p99} are on unless turned off; the others are on when a bound is given.
     *
     * @param minRequests            requests the target must answer in a step before a metrics gate can pass
     * @param maxErrorRatioIncrease  target 5xx ratio may exceed the legacy's by at most this (0.01 = 1 point)
     * @param maxP99Ratio            target p99 may be at most legacy p99 × this…
     * @param p99Floor               …but a p99 below this always passes (tiny latencies jitter)
     * @param maxMismatchRatio       shadow mismatch ratio (noise excluded) in the step, from the diff store
     * @param minComparisons         comparisons needed before the mismatch gate can pass
     * @param maxCdcLag              forward CDC lag
     * @param maxDlqGrowth           dead letters added since the ramp started
     * @param verifyTables           new-side tables {@code cdc verify} compares during each step (empty: off)
     * @param verifyEvery            how often verify runs during a hold (it also runs once before a step passes)
     */
    public record Gates(int minRequests, Double maxErrorRatioIncrease, Double maxP99Ratio, Duration p99Floor,
                        Double maxMismatchRatio, int minComparisons, Duration maxCdcLag, Long maxDlqGrowth,
                        List<String> verifyTables, Duration verifyEvery) {
        public Gates {
            verifyTables = List.copyOf(verifyTables);
            requireNonNull(p99Floor, "p99Floor");
            requireNonNull(verifyEvery, "verifyEvery");
            if (minRequests < 0) {
                throw new IllegalArgumentException("minRequests: " + minRequests + " (expected: >= 0)");
            }
            if (minComparisons < 0) {
                throw new IllegalArgumentException("minComparisons: " + minComparisons + " (expected: >= 0)");
            }
            ratio("errorRatio.maxIncrease", maxErrorRatioIncrease);
            ratio("mismatch.maxRatio", maxMismatchRatio);
            if (maxP99Ratio != null && !(maxP99Ratio >= 1)) {
                throw new IllegalArgumentException("p99.maxRatio: " + maxP99Ratio + " (expected: >= 1, e.g. 1.5)");
            }
            if (maxDlqGrowth != null && maxDlqGrowth < 0) {
                throw new IllegalArgumentException("dlqGrowth.max: " + maxDlqGrowth + " (expected: >= 0)");
            }
        }

        private static void ratio(String key, Double v) {
            if (v != null && !(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(key + ": " + v + " (expected: a ratio 0..1, e.g. 0.01)");
            }
        }

        /** Whether a gate reads the CDC databases. */
        public boolean needsCdc() {
            return maxCdcLag != null || maxDlqGrowth != null || !verifyTables.isEmpty();
        }

        /** Whether the mismatch gate reads the diff store. */
        public boolean needsDiffStore() {
            return maxMismatchRatio != null;
        }
    }

    /** Whether any step moves write ownership (needs the CDC databases and mapping). */
    public boolean movesOwnership() {
        return steps.stream().anyMatch(s -> s instanceof Owner);
    }

    /** The plan as recorded in {@code ramp-start}'s details (see {@link PlanReader#fromJson}). */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        var s = n.putArray("steps");
        steps.forEach(x -> s.add(x.text()));
        n.put("hold", PlanReader.format(hold));
        n.put("checkInterval", PlanReader.format(checkInterval));
        n.put("maxWait", PlanReader.format(maxWait));
        ObjectNode g = n.putObject("gates");
        g.put("minRequests", gates.minRequests());
        putOrOff(g, "errorRatio", gates.maxErrorRatioIncrease() == null ? null
                : JsonNodeFactory.instance.objectNode().put("maxIncrease", gates.maxErrorRatioIncrease()));
        putOrOff(g, "p99", gates.maxP99Ratio() == null ? null
                : JsonNodeFactory.instance.objectNode().put("maxRatio", gates.maxP99Ratio())
                .put("floor", PlanReader.format(gates.p99Floor())));
        putOrOff(g, "mismatch", gates.maxMismatchRatio() == null ? null
                : JsonNodeFactory.instance.objectNode().put("maxRatio", gates.maxMismatchRatio())
                .put("minComparisons", gates.minComparisons()));
        putOrOff(g, "cdcLag", gates.maxCdcLag() == null ? null
                : JsonNodeFactory.instance.objectNode().put("max", PlanReader.format(gates.maxCdcLag())));
        putOrOff(g, "dlqGrowth", gates.maxDlqGrowth() == null ? null
                : JsonNodeFactory.instance.objectNode().put("max", gates.maxDlqGrowth()));
        if (gates.verifyTables().isEmpty()) {
            g.put("verify", "off");
        } else {
            ObjectNode v = g.putObject("verify");
            gates.verifyTables().forEach(v.putArray("tables")::add);
            v.put("every", PlanReader.format(gates.verifyEvery()));
        }
        return n;
    }

    private static void putOrOff(ObjectNode g, String key, JsonNode value) {
        if (value == null) {
            g.put(key, "off");
        } else {
            g.set(key, value);
        }
    }

    /** {@code 1% → 5% → owner:appointments=new → 100%}. */
    public String stepsText() {
        return String.join(" → ", steps.stream().map(Step::text).toList());
    }
}
