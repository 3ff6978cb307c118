package dev.strangler.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why an acknowledged write is not in both databases. Two causes are diagnosed from evidence the
 * drill holds (see docs/drill.md, "What the drill found"); anything else is {@link #UNEXPLAINED}.
 */
final class LossCauses {

    /**
     * A syncer dead-lettered a booking because the other side had booked that slot for someone else:
     * reverse on the monolith's {@code appt_slot_uq}, forward on the service's
     * {@code appointments_one_booking_per_slot}.
     */
    static final String SLOT_CONFLICT = "slot conflict across sides (dead letter on a one-booking-per-slot index)";
    /** In the monolith in the acknowledged state, not in the service's database, no dead letter. */
    static final String MONOLITH_ONLY = "monolith only (written to the monolith while the service owned writes)";
    static final String UNEXPLAINED = "unexplained";

    private static final Pattern DLQ_ID = Pattern.compile("\\{\"(?:appt_)?id\":(\\d+)}");
    private static final Pattern VERIFY_ID = Pattern.compile("public\\.appointments \\{id=(\\d+)}");

    private LossCauses() {
    }

    /**
     * One acknowledged write missing after catch-up: its id, the acknowledged state and what each
     * database holds ({@code null} = no row).
     */
    record Missing(long id, PatientLoad.Expected expected, String monolith, String service, String cause) {
        @Override
        public String toString() {
            return "appointment " + id + " acknowledged " + expected + ": monolith " + (monolith == null ? "absent" : monolith)
                    + ", service " + (service == null ? "absent" : service) + " — " + cause;
        }
    }

    static List<Missing> classify(List<Missing> missing, List<String> deadLetters) {
        List<Long> dlqIds = new ArrayList<>();
        for (String line : deadLetters) {
            Matcher m = DLQ_ID.matcher(line);
            if (m.find() && isSlotConflict(line)) {
                dlqIds.add(Long.parseLong(m.group(1)));
            }
        }
        List<Missing> out = new ArrayList<>();
        for (Missing m : missing) {
            String cause;
            if (dlqIds.contains(m.id())) {
                cause = SLOT_CONFLICT;
            } else if (m.monolith() != null && inState(m.monolith(), m.expected()) && !inState(m.service(), m.expected())) {
                cause = MONOLITH_ONLY;
            } else {
                cause = UNEXPLAINED;
            }
            out.add(new Missing(m.id(), m.expected(), m.monolith(), m.service(), cause));
        }
        return out;
    }

    /** Whether a dead letter ({@code cdc dlq list} line) is a cross-side slot conflict. */
    static boolean isSlotConflict(String deadLetter) {
        // A failed `dlq retry` keeps the constraint's name in the reason, as the first failure does.
        return deadLetter.contains("appt_slot_uq") || deadLetter.contains("appointments_one_booking_per_slot");
    }

    /**
     * Whether a dead letter is of a diagnosed kind: a slot conflict, or a write parked as "not the
     * owner" (cause {@link #MONOLITH_ONLY}, since main's d3bd414 dead-lettered instead of skipped).
     */
    static boolean isDiagnosed(String deadLetter) {
        return isSlotConflict(deadLetter) || deadLetter.contains("not the owner");
    }

    /** Whether a {@code cdc verify} difference line is about one of the diagnosed missing writes. */
    static boolean explains(List<Missing> missing, String verifyLine) {
        Matcher m = VERIFY_ID.matcher(verifyLine);
        if (!m.find()) {
            return false;
        }
        long id = Long.parseLong(m.group(1));
        return missing.stream().anyMatch(x -> x.id() == id && !UNEXPLAINED.equals(x.cause()));
    }

    private static boolean inState(String state, PatientLoad.Expected expected) {
        if (state == null) {
            return false;
        }
        return expected == PatientLoad.Expected.BOOKED || "C".equals(state) || "CANCELLED".equals(state);
    }
}
