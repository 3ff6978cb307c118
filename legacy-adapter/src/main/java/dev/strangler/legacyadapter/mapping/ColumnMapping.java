package dev.strangler.legacyadapter.mapping;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one column of the new table is derived from legacy columns, and back. Pure functions over
 * rows given as {@code column -> value} maps.
 */
public sealed interface ColumnMapping {

    /** The new table's column this mapping produces. */
    String newColumn();

    /** Legacy columns read (forward) or written (reverse). */
    List<String> legacyColumns();

    /** Whether {@link #toLegacy} can rebuild the legacy columns from the new value. */
    boolean reversible();

    /** Legacy row → value of {@link #newColumn()}. */
    Object toNew(Map<String, Object> legacyRow, String table);

    /** New value → legacy columns, written into {@code legacyRow}. */
    void toLegacy(Object newValue, Map<String, Object> legacyRow, String table);

    /** Same value, possibly renamed: {@code patient_id: patient_no}. */
    record Rename(String newColumn, String legacyColumn) implements ColumnMapping {
        public Rename {
            requireNonNull(newColumn, "newColumn");
            requireNonNull(legacyColumn, "legacyColumn");
        }

        @Override
        public List<String> legacyColumns() {
            return List.of(legacyColumn);
        }

        @Override
        public boolean reversible() {
            return true;
        }

        @Override
        public Object toNew(Map<String, Object> legacyRow, String table) {
            return legacyRow.get(legacyColumn);
        }

        @Override
        public void toLegacy(Object newValue, Map<String, Object> legacyRow, String table) {
            legacyRow.put(legacyColumn, newValue);
        }
    }

    /** Value codes: {@code status: {from: status_cd, codes: {C: CANCELLED}}}. */
    record Codes(String newColumn, String legacyColumn, Map<String, String> codes, String defaultValue)
            implements ColumnMapping {
        public Codes {
            requireNonNull(newColumn, "newColumn");
            requireNonNull(legacyColumn, "legacyColumn");
            codes = Map.copyOf(codes);
        }

        @Override
        public List<String> legacyColumns() {
            return List.of(legacyColumn);
        }

        /** Reversible when no two legacy codes map to the same new value and there is no catch-all default. */
        @Override
        public boolean reversible() {
            return defaultValue == null && new HashMap<>(inverse()).size() == codes.size();
        }

        Map<String, String> inverse() {
            Map<String, String> inv = new LinkedHashMap<>();
            codes.forEach((k, v) -> inv.put(v, k));
            return inv;
        }

        @Override
        public Object toNew(Map<String, Object> legacyRow, String table) {
            String code = Values.text(legacyRow.get(legacyColumn));
            if (code == null) {
                return null;
            }
            String mapped = codes.get(code);
            if (mapped == null) {
                if (defaultValue != null) {
                    return defaultValue;
                }
                throw new MappingFailure(table + "." + legacyColumn + ": value code not in the mapping's codes "
                        + codes.keySet() + " (add it under codes:, or set default:)");
            }
            return mapped;
        }

        @Override
        public void toLegacy(Object newValue, Map<String, Object> legacyRow, String table) {
            String v = Values.text(newValue);
            if (v == null) {
                legacyRow.put(legacyColumn, null);
                return;
            }
            String code = inverse().get(v);
            if (code == null) {
                throw new MappingFailure(table + "." + newColumn + ": value has no legacy code among "
                        + codes.values() + " (add it under codes:)");
            }
            legacyRow.put(legacyColumn, code);
        }
    }

    /**
     * A legacy local date and time of day, meant in {@code zone}, combined into one instant
     * ({@code timestamptz}): {@code starts_at: {date: appt_date, time: appt_time, zone: America/New_York}}.
     */
    record DateTimeInZone(String newColumn, String dateColumn, String timeColumn, ZoneId zone)
            implements ColumnMapping {
        public DateTimeInZone {
            requireNonNull(newColumn, "newColumn");
            requireNonNull(dateColumn, "dateColumn");
            requireNonNull(timeColumn, "timeColumn");
            requireNonNull(zone, "zone");
        }

        @Override
        public List<String> legacyColumns() {
            return List.of(dateColumn, timeColumn);
        }

        @Override
        public boolean reversible() {
            return true;
        }

        @Override
        public Object toNew(Map<String, Object> legacyRow, String table) {
            Object d = legacyRow.get(dateColumn);
            if (d == null) {
                return null;
            }
            LocalDate date = Values.toDate(d, table + "." + dateColumn);
            Object t = legacyRow.get(timeColumn);
            LocalTime time = t == null ? LocalTime.MIDNIGHT : Values.toTime(t, table + "." + timeColumn);
            return ZonedDateTime.of(date, time, zone).toOffsetDateTime();
        }

        @Override
        public void toLegacy(Object newValue, Map<String, Object> legacyRow, String table) {
            if (newValue == null) {
                legacyRow.put(dateColumn, null);
                legacyRow.put(timeColumn, null);
                return;
            }
            OffsetDateTime ts = Values.toTimestamptz(newValue, table + "." + newColumn);
            ZonedDateTime local = ts.atZoneSameInstant(zone);
            legacyRow.put(dateColumn, local.toLocalDate());
            legacyRow.put(timeColumn, local.toLocalTime());
        }
    }

    /**
     * A legacy {@code timestamp} (no zone) meant in {@code zone}, as one instant ({@code timestamptz}):
     * {@code created_at: {from: crt_ts, zone: UTC}}. With {@code fallback}, a null value is taken
     * from another legacy timestamp ({@code updated_at: {from: upd_ts, zone: UTC, fallback: crt_ts}});
     * the reverse direction writes {@code from} only.
     */
    record TimestampInZone(String newColumn, String legacyColumn, ZoneId zone, String fallback) implements ColumnMapping {
        public TimestampInZone {
            requireNonNull(newColumn, "newColumn");
            requireNonNull(legacyColumn, "legacyColumn");
            requireNonNull(zone, "zone");
        }

        @Override
        public List<String> legacyColumns() {
            return fallback == null ? List.of(legacyColumn) : List.of(legacyColumn, fallback);
        }

        @Override
        public boolean reversible() {
            return true;
        }

        @Override
        public Object toNew(Map<String, Object> legacyRow, String table) {
            Object v = legacyRow.get(legacyColumn);
            String col = legacyColumn;
            if (v == null && fallback != null) {
                v = legacyRow.get(fallback);
                col = fallback;
            }
            if (v == null) {
                return null;
            }
            if (v instanceof java.time.LocalDateTime ldt) {
                return ldt.atZone(zone).toOffsetDateTime();
            }
            if (v instanceof java.sql.Timestamp ts) {
                return ts.toLocalDateTime().atZone(zone).toOffsetDateTime();
            }
            if (v instanceof CharSequence s) {
                try {
                    return java.time.LocalDateTime.parse(s.toString().replace(' ', 'T')).atZone(zone).toOffsetDateTime();
                } catch (java.time.format.DateTimeParseException e) {
                    throw new MappingFailure(table + "." + col + ": not a timestamp (expected: yyyy-MM-ddTHH:mm[:ss])", e);
                }
            }
            throw new MappingFailure(table + "." + col + ": not a timestamp but " + v.getClass().getSimpleName());
        }

        @Override
        public void toLegacy(Object newValue, Map<String, Object> legacyRow, String table) {
            legacyRow.put(legacyColumn, newValue == null ? null
                    : Values.toTimestamptz(newValue, table + "." + newColumn).atZoneSameInstant(zone).toLocalDateTime());
        }
    }

    /** A constant the new table needs but the legacy one has no column for: {@code source: {value: legacy}}. */
    record Constant(String newColumn, String value) implements ColumnMapping {
        public Constant {
            requireNonNull(newColumn, "newColumn");
        }

        @Override
        public List<String> legacyColumns() {
            return List.of();
        }

        /** Nothing to write back: the legacy table has no such column. */
        @Override
        public boolean reversible() {
            return true;
        }

        @Override
        public Object toNew(Map<String, Object> legacyRow, String table) {
            return value;
        }

        @Override
        public void toLegacy(Object newValue, Map<String, Object> legacyRow, String table) {
            // The legacy side has no column for a constant; nothing to write.
        }
    }

    /** A column computed by a {@link ColumnTransform} found through {@link java.util.ServiceLoader}. */
    record Custom(String newColumn, List<String> legacyColumns, ColumnTransform transform) implements ColumnMapping {
        public Custom {
            requireNonNull(newColumn, "newColumn");
            legacyColumns = List.copyOf(legacyColumns);
            requireNonNull(transform, "transform");
        }

        @Override
        public boolean reversible() {
            return transform.reversible();
        }

        @Override
        public Object toNew(Map<String, Object> legacyRow, String table) {
            Map<String, Object> in = new LinkedHashMap<>();
            legacyColumns.forEach(c -> in.put(c, legacyRow.get(c)));
            try {
                return transform.toNew(in);
            } catch (MappingFailure e) {
                throw e;
            } catch (RuntimeException e) {
                throw new MappingFailure(table + "." + newColumn + ": transform " + transform.name()
                        + " failed: " + e.getClass().getSimpleName(), e);
            }
        }

        @Override
        public void toLegacy(Object newValue, Map<String, Object> legacyRow, String table) {
            Map<String, Object> out = transform.toLegacy(newValue, legacyColumns);
            legacyColumns.forEach(c -> legacyRow.put(c, out.get(c)));
        }
    }
}
