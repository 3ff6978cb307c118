package dev.strangler.legacyadapter.mapping;

import java.util.List;
import java.util.Map;

/**
 * Service-provider interface for the rare column transform YAML cannot express. Implementations
 * are found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.strangler.legacyadapter.mapping.ColumnTransform}) and referenced by
 * {@link #name()} from a mapping: {@code total_cents: {transform: money-to-cents, from: [amount]}}.
 *
 * <p>Implementations must be pure functions: no I/O, no state, thread-safe.
 */
public interface ColumnTransform {

    /** The name mappings use to refer to this transform. */
    String name();

    /** Computes the new column's value from the named legacy columns (keyed by legacy name). */
    Object toNew(Map<String, Object> legacyValues);

    /** Whether {@link #toLegacy} is implemented; a mapping using a one-way transform is not reversible. */
    default boolean reversible() {
        return false;
    }

    /** Computes the legacy columns (names from {@code legacyColumns}) from the new column's value. */
    default Map<String, Object> toLegacy(Object newValue, List<String> legacyColumns) {
        throw new UnsupportedOperationException("transform " + name() + " is one-way (reversible() is false)");
    }
}
