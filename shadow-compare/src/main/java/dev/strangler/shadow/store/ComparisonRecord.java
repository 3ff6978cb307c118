package dev.strangler.shadow.store;

import java.time.Instant;
import java.util.List;

import dev.strangler.shadow.ComparisonResult;
import dev.strangler.shadow.diff.Difference;

import static java.util.Objects.requireNonNull;

/**
 * What the comparator hands to a {@link ComparisonSink} per exchange: already classified and,
 * for the evidence, already redacted. Pointers and field names hold no values.
 *
 * @param differences        primary-vs-shadow differences (real and noise)
 * @param noiseFields        subset of fields among {@code differences} discounted as noise
 * @param primaryPair        true if the primary was asked twice for this exchange
 * @param primaryPairFields  fields that differed between the two primary answers
 * @param evidence           redacted example, or null when not sampled
 */
public record ComparisonRecord(String route, Instant at, ComparisonResult result, List<Difference> differences,
                               List<String> noiseFields, boolean primaryPair, List<String> primaryPairFields,
                               Evidence evidence) {

    public ComparisonRecord {
        requireNonNull(route, "route");
        requireNonNull(at, "at");
        requireNonNull(result, "result");
        differences = List.copyOf(differences);
        noiseFields = List.copyOf(noiseFields);
        primaryPairFields = List.copyOf(primaryPairFields);
    }
}
