package dev.strangler.shadow.noise;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * Live noise statistics per route and field, fed by the comparator's workers. Thread-safe
 * (counters are {@link LongAdder}s in concurrent maps; a reader may see a comparison counted
 * before its fields, which only shifts a rate by one sample).
 */
public final class NoiseLearner {

    /** Fields tracked per route; later new fields are counted together under {@link #OTHER_FIELDS}. */
    public static final int MAX_FIELDS_PER_ROUTE = 2_000;
    public static final String OTHER_FIELDS = "(other)";

    private final NoiseRule rule;
    private final Map<String, RouteNoise> routes = new ConcurrentHashMap<>();

    public NoiseLearner(NoiseRule rule) {
        this.rule = requireNonNull(rule, "rule");
    }

    public NoiseRule rule() {
        return rule;
    }

    /** Records one primary-vs-primary comparison and the fields that differed in it. */
    public void recordPrimaryPair(String route, Collection<String> differingFields) {
        RouteNoise noise = route(route);
        noise.primaryPairs.increment();
        for (String field : differingFields) {
            noise.field(field).noise.increment();
        }
    }

    /** Records one primary-vs-shadow comparison and the fields that differed in it. */
    public void recordShadowComparison(String route, Collection<String> differingFields) {
        RouteNoise noise = route(route);
        noise.comparisons.increment();
        for (String field : differingFields) {
            noise.field(field).shadow.increment();
        }
    }

    /**
     * Adds counts learned earlier (e.g. read back from the diff store at start), so a restarted
     * comparator does not report known noise as real differences while it relearns.
     *
     * @param fieldCounts field → {noise differences, primary-vs-shadow differences}
     */
    public void seed(String route, long primaryPairs, long comparisons, Map<String, long[]> fieldCounts) {
        RouteNoise noise = route(route);
        noise.primaryPairs.add(primaryPairs);
        noise.comparisons.add(comparisons);
        fieldCounts.forEach((field, counts) -> {
            FieldCounts c = noise.field(field);
            c.noise.add(counts[0]);
            c.shadow.add(counts[1]);
        });
    }

    /** True if {@code field}'s differences on {@code route} are currently explained by noise. */
    public boolean isNoise(String route, String field) {
        RouteNoise noise = routes.get(route);
        if (noise == null) {
            return false;
        }
        FieldCounts counts = noise.fields.get(field);
        return counts != null && rule.isNoise(counts.noise.sum(), noise.primaryPairs.sum(),
                counts.shadow.sum(), noise.comparisons.sum());
    }

    /** Fields of {@code route} currently classified as noise, highest noise rate first. */
    public List<NoiseField> noiseFields(String route) {
        RouteNoise noise = routes.get(route);
        if (noise == null) {
            return List.of();
        }
        long pairs = noise.primaryPairs.sum();
        long comparisons = noise.comparisons.sum();
        List<NoiseField> out = new ArrayList<>();
        noise.fields.forEach((field, counts) -> {
            long n = counts.noise.sum();
            long s = counts.shadow.sum();
            if (rule.isNoise(n, pairs, s, comparisons)) {
                out.add(new NoiseField(field, NoiseRule.rate(n, pairs), NoiseRule.rate(s, comparisons)));
            }
        });
        out.sort(Comparator.comparingDouble(NoiseField::noiseRate).reversed().thenComparing(NoiseField::field));
        return out;
    }

    private RouteNoise route(String route) {
        return routes.computeIfAbsent(route, r -> new RouteNoise());
    }

    /**
     * A field whose differences are discounted as noise.
     *
     * @param noiseRate  share of primary-vs-primary comparisons where it differed
     * @param shadowRate share of primary-vs-shadow comparisons where it differed
     */
    public record NoiseField(String field, double noiseRate, double shadowRate) {
    }

    private static final class RouteNoise {
        final LongAdder primaryPairs = new LongAdder();
        final LongAdder comparisons = new LongAdder();
        final Map<String, FieldCounts> fields = new ConcurrentHashMap<>();

        FieldCounts field(String field) {
            FieldCounts counts = fields.get(field);
            if (counts != null) {
                return counts;
            }
            // Bounded: a body with generated keys must not grow this map without limit.
            String key = fields.size() >= MAX_FIELDS_PER_ROUTE ? OTHER_FIELDS : field;
            return fields.computeIfAbsent(key, f -> new FieldCounts());
        }
    }

    private static final class FieldCounts {
        final LongAdder noise = new LongAdder();
        final LongAdder shadow = new LongAdder();
    }
}
