package dev.strangler.legacy.normalize;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Named {@link ResponseNormalizer}s, so configuration can refer to them by name
 * ({@code legacyNormalizers: [appointments-v1]}). Immutable once built.
 */
public final class NormalizerRegistry {

    private static final NormalizerRegistry EMPTY = new NormalizerRegistry(Map.of());

    private final Map<String, ResponseNormalizer> byName;

    private NormalizerRegistry(Map<String, ResponseNormalizer> byName) {
        this.byName = Map.copyOf(byName);
    }

    public static NormalizerRegistry empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Set<String> names() {
        return byName.keySet();
    }

    /**
     * The normalisers {@code names} chained in order.
     *
     * @throws IllegalArgumentException naming the first unknown normaliser and the known ones
     */
    public ResponseNormalizer chain(List<String> names) {
        ResponseNormalizer result = ResponseNormalizer.identity();
        for (String name : names) {
            ResponseNormalizer next = byName.get(name);
            if (next == null) {
                throw new IllegalArgumentException(
                        "normalizer: " + name + " (expected one of: " + byName.keySet() + ")");
            }
            result = result.andThen(next);
        }
        return result;
    }

    /** Collects named normalisers; a name may be registered once. */
    public static final class Builder {
        private final Map<String, ResponseNormalizer> byName = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder register(String name, ResponseNormalizer normalizer) {
            requireNonNull(name, "name");
            requireNonNull(normalizer, "normalizer");
            if (byName.putIfAbsent(name, normalizer) != null) {
                throw new IllegalArgumentException("normalizer: " + name + " registered twice (expected: unique names)");
            }
            return this;
        }

        public NormalizerRegistry build() {
            return new NormalizerRegistry(byName);
        }
    }
}
