package dev.strangler.legacyadapter.mapping;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/** Lenient conversions between the value types rows carry (JDBC and CDC give dates as objects or text). */
final class Values {

    private Values() {
    }

    static LocalDate toDate(Object v, String where) {
        try {
            if (v instanceof LocalDate d) {
                return d;
            }
            if (v instanceof LocalDateTime dt) {
                return dt.toLocalDate();
            }
            if (v instanceof java.sql.Date d) {
                return d.toLocalDate();
            }
            if (v instanceof CharSequence s) {
                return LocalDate.parse(s);
            }
        } catch (DateTimeParseException e) {
            throw new MappingFailure(where + ": not a date (expected: yyyy-MM-dd)", e);
        }
        throw new MappingFailure(where + ": not a date but " + v.getClass().getSimpleName());
    }

    static LocalTime toTime(Object v, String where) {
        try {
            if (v instanceof LocalTime t) {
                return t;
            }
            if (v instanceof java.sql.Time t) {
                return t.toLocalTime();
            }
            if (v instanceof CharSequence s) {
                return LocalTime.parse(s);
            }
        } catch (DateTimeParseException e) {
            throw new MappingFailure(where + ": not a time of day (expected: HH:mm[:ss])", e);
        }
        throw new MappingFailure(where + ": not a time but " + v.getClass().getSimpleName());
    }

    static OffsetDateTime toTimestamptz(Object v, String where) {
        try {
            if (v instanceof OffsetDateTime o) {
                return o;
            }
            if (v instanceof ZonedDateTime z) {
                return z.toOffsetDateTime();
            }
            if (v instanceof Instant i) {
                return i.atOffset(ZoneOffset.UTC);
            }
            if (v instanceof java.sql.Timestamp ts) {
                return ts.toInstant().atOffset(ZoneOffset.UTC);
            }
            if (v instanceof CharSequence s) {
                return OffsetDateTime.parse(s);
            }
        } catch (DateTimeParseException e) {
            throw new MappingFailure(where + ": not a timestamp with zone (expected: ISO-8601 with offset)", e);
        }
        throw new MappingFailure(where + ": not a timestamp but " + v.getClass().getSimpleName());
    }

    /** Text form used for value codes and row filters: booleans and numbers compare by their text. */
    static String text(Object v) {
        return v == null ? null : String.valueOf(v).strip();
    }
}
