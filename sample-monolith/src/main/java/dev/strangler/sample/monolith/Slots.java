package dev.strangler.sample.monolith;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The booking grid: 30-minute slots from 09:00 to 17:00 clinic local time, every day. */
final class Slots {

    static final int SLOT_MINUTES = 30;
    static final LocalTime FIRST = LocalTime.of(9, 0);
    static final int SLOTS_PER_DAY = 16;
    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    private Slots() {
    }

    static LocalTime timeOf(int slot) {
        return FIRST.plusMinutes((long) slot * SLOT_MINUTES);
    }

    /** Whether {@code t} starts a slot of the grid. */
    static boolean onGrid(LocalTime t) {
        return t.getSecond() == 0 && t.getNano() == 0 && t.getMinute() % SLOT_MINUTES == 0
                && !t.isBefore(FIRST) && !t.isAfter(timeOf(SLOTS_PER_DAY - 1));
    }

    /** The API form of a clinic-local date and time: ISO-8601 with the zone's offset then. */
    static String format(LocalDate date, LocalTime time, ZoneId zone) {
        return date.atTime(time).atZone(zone).toOffsetDateTime().format(FORMAT);
    }

    static String format(OffsetDateTime t) {
        return t.format(FORMAT);
    }
}
