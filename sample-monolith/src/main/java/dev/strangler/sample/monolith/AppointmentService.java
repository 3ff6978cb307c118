package dev.strangler.sample.monolith;

import dev.strangler.sample.http.HttpError;
import dev.strangler.sample.http.JsonBody;
import dev.strangler.sample.http.Request;
import dev.strangler.sample.http.Response;
import dev.strangler.sample.http.Routes;
import dev.strangler.sample.http.Sql;
import dev.strangler.sample.http.Transactions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Appointments, the legacy way: one physician row locked per booking, licences checked in Java,
 * free slots found by asking once per slot, a history row and a patient update on each change.
 * The extracted appointments service serves the same contract (see docs/samples.md).
 */
final class AppointmentService {

    /** JSON of an appointment: the contract shared with the extracted service. */
    record AppointmentView(long id, long patientId, long physicianId, String startsAt, int durationMinutes,
            String status, String reason, String cancellationReason, int rescheduleCount) {
    }

    record AppointmentList(List<AppointmentView> items) {
    }

    record FreeSlots(long physicianId, LocalDate date, int durationMinutes, List<String> slots) {
    }

    private static final String COLUMNS = "appt_id, pt_id, phys_id, appt_dt, appt_tm, appt_dur_min, appt_stat, "
            + "appt_rsn, cxl_rsn, rschd_cnt";

    private final MonolithConfig config;
    private final DataSource ds;

    AppointmentService(MonolithConfig config) {
        this.config = config;
        this.ds = config.dataSource();
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
        LocalDateTime at = clinicSlot(body.requiredDateTime("startsAt"));
        String reason = body.optionalText("reason", 200).orElse(null);
        return Transactions.inTransaction(ds, c -> {
            String state = patientState(c, patientId);
            lockPhysician(c, physicianId);
            checkLicence(c, physicianId, state, at.toLocalDate());
            checkSlotFree(c, physicianId, at, 0);
            long id = Sql.one(c, "INSERT INTO appt (pt_id, phys_id, appt_dt, appt_tm, appt_rsn) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT DO NOTHING RETURNING appt_id", rs -> rs.getLong(1),
                    patientId, physicianId, at.toLocalDate(), at.toLocalTime(), reason)
                    .orElseThrow(() -> slotTaken(physicianId, at)); // the unique index caught a race
            history(c, id, "B");
            Sql.update(c, "UPDATE pt SET lst_appt_dt = ?, upd_ts = now() AT TIME ZONE 'UTC' WHERE pt_id = ?",
                    at.toLocalDate(), patientId);
            return Response.created(find(c, id, false));
        });
    }

    private Response get(Request req) throws SQLException {
        long id = req.pathId("id");
        try (Connection c = ds.getConnection()) {
            return Response.ok(find(c, id, false));
        }
    }

    private Response reschedule(Request req) throws SQLException {
        long id = req.pathId("id");
        LocalDateTime at = clinicSlot(req.json().requiredDateTime("startsAt"));
        return Transactions.inTransaction(ds, c -> {
            AppointmentView current = find(c, id, true);
            requireBooked(current);
            String state = patientState(c, current.patientId());
            lockPhysician(c, current.physicianId());
            checkLicence(c, current.physicianId(), state, at.toLocalDate());
            checkSlotFree(c, current.physicianId(), at, id);
            Sql.update(c, "UPDATE appt SET orig_appt_dt = COALESCE(orig_appt_dt, appt_dt), "
                    + "orig_appt_tm = COALESCE(orig_appt_tm, appt_tm), appt_dt = ?, appt_tm = ?, "
                    + "rschd_cnt = rschd_cnt + 1, upd_ts = now() AT TIME ZONE 'UTC', upd_usr = 'web' WHERE appt_id = ?",
                    at.toLocalDate(), at.toLocalTime(), id);
            history(c, id, "R");
            return Response.ok(find(c, id, false));
        });
    }

    private Response cancel(Request req) throws SQLException {
        long id = req.pathId("id");
        Optional<String> reason = req.body().length == 0 ? Optional.empty()
                : req.json().optionalText("reason", 200);
        return Transactions.inTransaction(ds, c -> {
            requireBooked(find(c, id, true));
            Sql.update(c, "UPDATE appt SET appt_stat = 'C', cxl_rsn = ?, cxl_ts = now() AT TIME ZONE 'UTC', "
                    + "upd_ts = now() AT TIME ZONE 'UTC', upd_usr = 'web' WHERE appt_id = ?", reason.orElse(null), id);
            history(c, id, "C");
            return Response.ok(find(c, id, false));
        });
    }

    private Response list(Request req) throws SQLException {
        Optional<Long> patientId = req.optionalQueryId("patientId");
        Optional<Long> physicianId = req.optionalQueryId("physicianId");
        if (patientId.isPresent() == physicianId.isPresent()) {
            throw HttpError.badRequest("query: exactly one of patientId, physicianId is required");
        }
        Optional<LocalDate> date = req.query("date").isPresent() ? Optional.of(req.queryDate("date")) : Optional.empty();
        try (Connection c = ds.getConnection()) {
            List<AppointmentView> items;
            if (patientId.isPresent()) {
                PatientService.find(c, patientId.get());
                items = date.isEmpty()
                        ? Sql.list(c, "SELECT " + COLUMNS + " FROM appt WHERE pt_id = ? ORDER BY appt_dt, appt_tm, appt_id",
                                this::map, patientId.get())
                        : Sql.list(c, "SELECT " + COLUMNS + " FROM appt WHERE pt_id = ? AND appt_dt = ? "
                                + "ORDER BY appt_dt, appt_tm, appt_id", this::map, patientId.get(), date.get());
            } else {
                PhysicianService.find(c, physicianId.get());
                items = date.isEmpty()
                        ? Sql.list(c, "SELECT " + COLUMNS + " FROM appt WHERE phys_id = ? ORDER BY appt_dt, appt_tm, appt_id",
                                this::map, physicianId.get())
                        : Sql.list(c, "SELECT " + COLUMNS + " FROM appt WHERE phys_id = ? AND appt_dt = ? "
                                + "ORDER BY appt_dt, appt_tm, appt_id", this::map, physicianId.get(), date.get());
            }
            return Response.ok(new AppointmentList(items));
        }
    }

    /** Legacy: one query per slot of the day (the extracted service does it in one). */
    private Response freeSlots(Request req) throws SQLException {
        long physicianId = req.queryId("physicianId");
        LocalDate date = req.queryDate("date");
        try (Connection c = ds.getConnection()) {
            PhysicianService.find(c, physicianId);
            List<String> free = new ArrayList<>();
            for (int slot = 0; slot < Slots.SLOTS_PER_DAY; slot++) {
                LocalTime t = Slots.timeOf(slot);
                if (!date.atTime(t).atZone(config.zone()).toInstant().isAfter(config.clock().instant())) {
                    continue;
                }
                long booked = Sql.one(c, "SELECT count(*) FROM appt WHERE phys_id = ? AND appt_dt = ? AND appt_tm = ? "
                        + "AND appt_stat = 'B'", rs -> rs.getLong(1), physicianId, date, t).orElse(0L);
                if (booked == 0) {
                    free.add(Slots.format(date, t, config.zone()));
                }
            }
            return Response.ok(new FreeSlots(physicianId, date, Slots.SLOT_MINUTES, free));
        }
    }

    /** The clinic-local slot of {@code startsAt}; 422 when it is off the grid or not in the future. */
    private LocalDateTime clinicSlot(OffsetDateTime startsAt) {
        LocalDateTime local = startsAt.atZoneSameInstant(config.zone()).toLocalDateTime();
        String shown = Slots.format(startsAt.atZoneSameInstant(config.zone()).toOffsetDateTime());
        if (!Slots.onGrid(local.toLocalTime())) {
            throw HttpError.unprocessable("invalid_slot", "startsAt " + shown + ": not a slot (expected: "
                    + "on the hour or half hour from 09:00 to 16:30 " + config.zone() + ")");
        }
        if (!startsAt.toInstant().isAfter(config.clock().instant())) {
            throw HttpError.unprocessable("invalid_slot", "startsAt " + shown + ": in the past (expected: a future slot)");
        }
        return local;
    }

    private String patientState(Connection c, long patientId) throws SQLException {
        return Sql.one(c, "SELECT * FROM pt WHERE pt_id = ?", rs -> rs.getString("pt_st"), patientId)
                .orElseThrow(() -> HttpError.notFound("patient " + patientId + ": not found"));
    }

    private void lockPhysician(Connection c, long physicianId) throws SQLException {
        Sql.one(c, "SELECT * FROM phys WHERE phys_id = ? FOR UPDATE", rs -> true, physicianId)
                .orElseThrow(() -> HttpError.notFound("physician " + physicianId + ": not found"));
    }

    /** The jurisdiction rule; shared with prescriptions. */
    static void checkLicence(Connection c, long physicianId, String state, LocalDate on) throws SQLException {
        boolean licensed = false;
        for (ResultRow lic : Sql.list(c, "SELECT * FROM phys_lic WHERE phys_id = ?",
                rs -> new ResultRow(rs.getString("lic_st"), rs.getString("lic_stat"),
                        rs.getObject("lic_exp_dt", LocalDate.class)), physicianId)) {
            if (lic.state().equals(state) && lic.status().equals("A") && !lic.expires().isBefore(on)) {
                licensed = true;
            }
        }
        if (!licensed) {
            throw HttpError.unprocessable("physician_not_licensed", "physician " + physicianId
                    + " is not licensed in " + state + ", the patient's state (expected: an active licence in "
                    + state + " valid on " + on + ")");
        }
    }

    private record ResultRow(String state, String status, LocalDate expires) {
    }

    private void checkSlotFree(Connection c, long physicianId, LocalDateTime at, long exceptId) throws SQLException {
        long taken = Sql.one(c, "SELECT count(*) FROM appt WHERE phys_id = ? AND appt_dt = ? AND appt_tm = ? "
                + "AND appt_stat = 'B' AND appt_id <> ?", rs -> rs.getLong(1),
                physicianId, at.toLocalDate(), at.toLocalTime(), exceptId).orElse(0L);
        if (taken > 0) {
            throw slotTaken(physicianId, at);
        }
    }

    private HttpError slotTaken(long physicianId, LocalDateTime at) {
        return HttpError.conflict("slot_taken", "physician " + physicianId + " is already booked at "
                + Slots.format(at.toLocalDate(), at.toLocalTime(), config.zone()));
    }

    private static void requireBooked(AppointmentView a) {
        if (!a.status().equals("BOOKED")) {
            throw HttpError.conflict("not_booked", "appointment " + a.id() + " is " + a.status()
                    + " (expected: BOOKED)");
        }
    }

    private static void history(Connection c, long id, String type) throws SQLException {
        Sql.update(c, "INSERT INTO appt_hist (appt_id, chg_typ) VALUES (?, ?)", id, type);
    }

    private AppointmentView find(Connection c, long id, boolean forUpdate) throws SQLException {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM appt WHERE appt_id = ?" + (forUpdate ? " FOR UPDATE" : ""),
                this::map, id).orElseThrow(() -> HttpError.notFound("appointment " + id + ": not found"));
    }

    private AppointmentView map(ResultSet rs) throws SQLException {
        return new AppointmentView(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                Slots.format(rs.getObject(4, LocalDate.class), rs.getObject(5, LocalTime.class), config.zone()),
                rs.getInt(6), status(rs.getString(7)), rs.getString(8), rs.getString(9), rs.getInt(10));
    }

    /** Legacy one-char codes to the API's names. */
    static String status(String code) {
        return switch (code) {
            case "B" -> "BOOKED";
            case "C" -> "CANCELLED";
            case "D" -> "COMPLETED";
            case "N" -> "NO_SHOW";
            default -> throw new IllegalStateException("appt_stat: '" + code + "' (expected: B, C, D or N)");
        };
    }
}
