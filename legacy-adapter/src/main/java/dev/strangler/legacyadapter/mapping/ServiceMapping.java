package dev.strangler.legacyadapter.mapping;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Everything mapped for one extracted service: loaded from one YAML file by {@link MappingLoader}.
 *
 * @param service     the extracted service's name
 * @param file        where the mapping came from (for messages)
 * @param tables      table mappings in file order
 * @param irreversible why the reverse direction (new → legacy) cannot be used; empty when it can
 */
public record ServiceMapping(String service, String file, List<TableMapping> tables, List<MappingProblem> irreversible) {
    public ServiceMapping {
        requireNonNull(service, "service");
        requireNonNull(file, "file");
        tables = List.copyOf(tables);
        irreversible = List.copyOf(irreversible);
    }

    /** Whether the same file can drive new → legacy sync. */
    public boolean reversible() {
        return irreversible.isEmpty();
    }

    /** The mapping whose legacy table is {@code legacyTable} (bare or schema-qualified name). */
    public Optional<TableMapping> byLegacyTable(String legacyTable) {
        return tables.stream().filter(t -> sameTable(t.legacyTable(), legacyTable)).findFirst();
    }

    /** The mapping whose new table is {@code newTable} (bare or schema-qualified name). */
    public Optional<TableMapping> byNewTable(String newTable) {
        return tables.stream().filter(t -> sameTable(t.newTable(), newTable)).findFirst();
    }

    /** {@code public.appt} and {@code appt} name the same table. */
    public static boolean sameTable(String a, String b) {
        return qualified(a).equals(qualified(b));
    }

    /** {@code appt} → {@code public.appt}; qualified names stay. */
    public static String qualified(String table) {
        return table.contains(".") ? table : "public." + table;
    }
}
