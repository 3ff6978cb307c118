package dev.strangler.services.appointments;

import java.time.LocalDate;
import java.util.List;

/** JSON of an appointment: the contract shared with the monolith (docs/samples.md). */
record AppointmentView(long id, long patientId, long physicianId, String startsAt, int durationMinutes,
        String status, String reason, String cancellationReason, int rescheduleCount) {

    record AppointmentList(List<AppointmentView> items) {
    }

    record FreeSlots(long physicianId, LocalDate date, int durationMinutes, List<String> slots) {
    }
}
