package dev.strangler.services.appointments;

import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The booking grid, as the monolith defines it: 30-minute slots from 09:00 to 17:00 clinic
 * local time, every day. Kept identical by the shared contract suite.
 */
final class Slots {

    static final int SLOT_MINUTES = 30;
    static final LocalTime FIRST = LocalTime.of(9, 0);
    static final int SLOTS_PER_DAY = 16;
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    private Slots() {
    }

    static LocalTime timeOf(int slot) {
        return FIRST.plusMinutes((long) slot * SLOT_MINUTES);
    }

    static boolean onGrid(LocalTime t) {
        return t.getSecond() == 0 && t.getNano() == 0 && t.getMinute() % SLOT_MINUTES == 0
                && !t.isBefore(FIRST) && !t.isAfter(timeOf(SLOTS_PER_DAY - 1));
    }

    /** The API form: ISO-8601 in the clinic zone, with its offset at that instant. */
    static String format(OffsetDateTime t, ZoneId zone) {
        return t.atZoneSameInstant(zone).toOffsetDateTime().format(FORMAT);
    }
}
