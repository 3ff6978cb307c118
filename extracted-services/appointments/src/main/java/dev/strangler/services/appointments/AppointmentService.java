package dev.strangler.services.appointments;

import dev.strangler.sample.http.HttpError;
import dev.strangler.sample.http.JsonBody;
import dev.strangler.sample.http.Request;
import dev.strangler.sample.http.Response;
import dev.strangler.sample.http.Routes;
import dev.strangler.sample.http.Transactions;
import dev.strangler.services.appointments.AppointmentRepository.BookingFacts;
import dev.strangler.services.appointments.AppointmentRepository.Current;
import dev.strangler.services.appointments.AppointmentView.AppointmentList;
import dev.strangler.services.appointments.AppointmentView.FreeSlots;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The appointment endpoints, same contract as the monolith's: paths, JSON, statuses, error
 * codes and messages, and the order in which rules are checked (body → slot → patient →
 * physician → state → licence → slot taken). Writes honour {@code X-Strangler-Dry-Run: 1}.
 */
final class AppointmentService {

    static final String DRY_RUN = "X-Strangler-Dry-Run";
    private static final String UNIQUE_VIOLATION = "23505";
    /** Bounds of "all appointments": plain dates, not infinities, so every index plan applies. */
    private static final LocalDate ALL_FROM = LocalDate.of(1900, 1, 1);
    private static final LocalDate ALL_TO = LocalDate.of(3000, 1, 1);

    private final AppointmentsConfig config;
    private final DataSource ds;
    private final AppointmentRepository repo;

    AppointmentService(AppointmentsConfig config, AppointmentRepository repo) {
        this.config = config;
        this.ds = config.dataSource();
        this.repo = repo;
    }

    Routes routes() {
        return new Routes()
                .post("/appointments", this::book)
                .get("/appointments", this::list)
                .get("/appointments/slots", this::freeSlots)
                .get("/appointments/{id}", this::get)
                .post("/appointments/{id}/reschedule", this::reschedule)
                .post("/appointments/{id}/cancel", this::cancel);
    }

    private Response book(Request req) throws SQLException {
        JsonBody body = req.json();
        long patientId = body.requiredId("patientId");
        long physicianId = body.requiredId("physicianId");
        ZonedDateTime at = clinicSlot(body.requiredDateTime("startsAt"));
        String reason = body.optionalText("reason", 200).orElse(null);
        boolean dryRun = dryRun(req);
        AppointmentView booked = Transactions.inTransaction(ds, dryRun, c -> {
            BookingFacts facts = repo.bookingFacts(c, patientId, physicianId, at.toLocalDate());
            if (facts.patientState() == null) {
                throw HttpError.notFound("patient " + patientId + ": not found");
            }
            if (!facts.physicianKnown()) {
                throw HttpError.notFound("physician " + physicianId + ": not found");
            }
            if (!facts.licensed()) {
                throw notLicensed(physicianId, facts.patientState(), at.toLocalDate());
            }
            return repo.insert(c, patientId, physicianId, at.toOffsetDateTime(), reason)
                    .orElseThrow(() -> slotTaken(physicianId, at));
        });
        return marked(Response.created(booked), dryRun);
    }

    private Response get(Request req) throws SQLException {
        long id = req.pathId("id");
        try (Connection c = ds.getConnection()) {
            return Response.ok(repo.find(c, id).orElseThrow(() -> notFound(id)));
        }
    }

    private Response reschedule(Request req) throws SQLException {
        long id = req.pathId("id");
        ZonedDateTime at = clinicSlot(req.json().requiredDateTime("startsAt"));
        boolean dryRun = dryRun(req);
        AppointmentView moved = Transactions.inTransaction(ds, dryRun, c -> {
            Current current = repo.findForUpdate(c, id).orElseThrow(() -> notFound(id));
            requireBooked(current.view());
            if (current.patientState() == null) {
                throw HttpError.notFound("patient " + current.view().patientId() + ": not found");
            }
            long physicianId = current.view().physicianId();
            if (!repo.licensed(c, physicianId, current.patientState(), at.toLocalDate())) {
                throw notLicensed(physicianId, current.patientState(), at.toLocalDate());
            }
            try {
                return repo.moveTo(c, id, at.toOffsetDateTime());
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw slotTaken(physicianId, at);
                }
                throw e;
            }
        });
        return marked(Response.ok(moved), dryRun);
    }

    private Response cancel(Request req) throws SQLException {
        long id = req.pathId("id");
        Optional<String> reason = req.body().length == 0 ? Optional.empty() : req.json().optionalText("reason", 200);
        boolean dryRun = dryRun(req);
        AppointmentView cancelled = Transactions.inTransaction(ds, dryRun, c -> {
            requireBooked(repo.findForUpdate(c, id).orElseThrow(() -> notFound(id)).view());
            return repo.cancel(c, id, reason.orElse(null));
        });
        return marked(Response.ok(cancelled), dryRun);
    }

    private Response list(Request req) throws SQLException {
        Optional<Long> patientId = req.optionalQueryId("patientId");
        Optional<Long> physicianId = req.optionalQueryId("physicianId");
        if (patientId.isPresent() == physicianId.isPresent()) {
            throw HttpError.badRequest("query: exactly one of patientId, physicianId is required");
        }
        Optional<LocalDate> date = req.query("date").isPresent() ? Optional.of(req.queryDate("date")) : Optional.empty();
        OffsetDateTime from = startOf(date.orElse(ALL_FROM));
        OffsetDateTime to = startOf(date.map(d -> d.plusDays(1)).orElse(ALL_TO));
        try (Connection c = ds.getConnection()) {
            if (patientId.isPresent()) {
                if (!repo.patientKnown(c, patientId.get())) {
                    throw HttpError.notFound("patient " + patientId.get() + ": not found");
                }
                return Response.ok(new AppointmentList(repo.list(c, "patient_id", patientId.get(), from, to)));
            }
            if (!repo.physicianKnown(c, physicianId.get())) {
                throw HttpError.notFound("physician " + physicianId.get() + ": not found");
            }
            return Response.ok(new AppointmentList(repo.list(c, "physician_id", physicianId.get(), from, to)));
        }
    }

    private Response freeSlots(Request req) throws SQLException {
        long physicianId = req.queryId("physicianId");
        LocalDate date = req.queryDate("date");
        List<OffsetDateTime> booked;
        try (Connection c = ds.getConnection()) {
            booked = repo.bookedStarts(c, physicianId, startOf(date), startOf(date.plusDays(1)))
                    .orElseThrow(() -> HttpError.notFound("physician " + physicianId + ": not found"));
        }
        Set<java.time.Instant> taken = new HashSet<>();
        booked.forEach(t -> taken.add(t.toInstant()));
        List<String> free = new ArrayList<>();
        for (int slot = 0; slot < Slots.SLOTS_PER_DAY; slot++) {
            ZonedDateTime t = date.atTime(Slots.timeOf(slot)).atZone(config.zone());
            if (t.toInstant().isAfter(config.clock().instant()) && !taken.contains(t.toInstant())) {
                free.add(Slots.format(t.toOffsetDateTime(), config.zone()));
            }
        }
        return Response.ok(new FreeSlots(physicianId, date, Slots.SLOT_MINUTES, free));
    }

    private OffsetDateTime startOf(LocalDate date) {
        return date.atStartOfDay(config.zone()).toOffsetDateTime();
    }

    /** The slot of {@code startsAt} in the clinic zone; 422 when off the grid or not in the future. */
    private ZonedDateTime clinicSlot(OffsetDateTime startsAt) {
        ZonedDateTime local = startsAt.atZoneSameInstant(config.zone());
        String shown = Slots.format(startsAt, config.zone());
        if (!Slots.onGrid(local.toLocalTime())) {
            throw HttpError.unprocessable("invalid_slot", "startsAt " + shown + ": not a slot (expected: "
                    + "on the hour or half hour from 09:00 to 16:30 " + config.zone() + ")");
        }
        if (!startsAt.toInstant().isAfter(config.clock().instant())) {
            throw HttpError.unprocessable("invalid_slot", "startsAt " + shown + ": in the past (expected: a future slot)");
        }
        return local;
    }

    private static boolean dryRun(Request req) {
        return req.header(DRY_RUN).map(v -> v.strip().equals("1")).orElse(false);
    }

    private static Response marked(Response r, boolean dryRun) {
        return dryRun ? r.withHeader(DRY_RUN, "1") : r;
    }

    private static HttpError notFound(long id) {
        return HttpError.notFound("appointment " + id + ": not found");
    }

    private static HttpError notLicensed(long physicianId, String state, LocalDate on) {
        return HttpError.unprocessable("physician_not_licensed", "physician " + physicianId
                + " is not licensed in " + state + ", the patient's state (expected: an active licence in "
                + state + " valid on " + on + ")");
    }

    private HttpError slotTaken(long physicianId, ZonedDateTime at) {
        return HttpError.conflict("slot_taken", "physician " + physicianId + " is already booked at "
                + Slots.format(at.toOffsetDateTime(), config.zone()));
    }

    private static void requireBooked(AppointmentView a) {
        if (!a.status().equals("BOOKED")) {
            throw HttpError.conflict("not_booked", "appointment " + a.id() + " is " + a.status() + " (expected: BOOKED)");
        }
    }
}
