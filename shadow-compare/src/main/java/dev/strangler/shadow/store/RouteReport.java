package dev.strangler.shadow.store;

import java.time.Instant;
import java.util.List;

/**
 * Figures for one route over a time window, read from the diff store.
 *
 * @param comparisons   primary-vs-shadow comparisons (matches + mismatches)
 * @param mismatchRatio mismatches / comparisons, where a mismatch has at least one difference
 *                      not discounted as noise (0 when nothing was compared)
 * @param topFields     real differing fields, most frequent first
 * @param noiseFields   fields discounted as noise, with their rates
 * @param series        per-bucket counts, oldest first (the match-rate chart)
 */
public record RouteReport(String route, Instant since, long comparisons, long matches, long mismatches,
                          long timeouts, long errors, long primaryPairs, double mismatchRatio,
                          List<FieldStat> topFields, List<NoiseFieldStat> noiseFields, List<Bucket> series) {

    /**
     * A real differing field.
     *
     * @param rate share of comparisons in which it differed
     */
    public record FieldStat(String field, long count, double rate, String lastKind, Instant firstSeen, Instant lastSeen) {
    }

    /** A field discounted as noise: how often it differs primary-vs-primary and primary-vs-shadow. */
    public record NoiseFieldStat(String field, double noiseRate, double shadowRate, long noiseCount, long shadowCount) {
    }

    /** One time bucket's counts. */
    public record Bucket(Instant start, long comparisons, long matches, long mismatches, long timeouts, long errors) {
    }
}
