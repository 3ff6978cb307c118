package dev.strangler.services.appointments;

import dev.strangler.sample.http.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** JDBC of the appointments service: each booking path is one or two statements. */
final class AppointmentRepository {

    /** What booking needs to know, in one round trip. */
    record BookingFacts(String patientState, boolean physicianKnown, boolean licensed) {
    }

    /** An appointment row with the patient's state (for rules on an existing appointment). */
    record Current(AppointmentView view, String patientState) {
    }

    private static final String COLUMNS = "id, patient_id, physician_id, starts_at, duration_minutes, status::text, "
            + "reason, cancellation_reason, reschedule_count";

    private final ZoneId zone;

    AppointmentRepository(ZoneId zone) {
        this.zone = zone;
    }

    BookingFacts bookingFacts(Connection c, long patientId, long physicianId, LocalDate on) throws SQLException {
        return Sql.one(c, "SELECT p.state, "
                + "EXISTS (SELECT 1 FROM physicians WHERE physician_id = ?), "
                + "EXISTS (SELECT 1 FROM physician_licences l WHERE l.physician_id = ? AND l.state = p.state "
                + "AND l.active AND l.expires_on >= ?) "
                + "FROM (SELECT ?::bigint AS id) q LEFT JOIN patient_jurisdictions p ON p.patient_id = q.id",
                rs -> new BookingFacts(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3)),
                physicianId, physicianId, on, patientId).orElseThrow();
    }

    boolean licensed(Connection c, long physicianId, String state, LocalDate on) throws SQLException {
        return Sql.one(c, "SELECT 1 FROM physician_licences WHERE physician_id = ? AND state = ? AND active "
                + "AND expires_on >= ?", rs -> true, physicianId, state, on).isPresent();
    }

    /** Inserts a booked appointment, or nothing when the slot is booked already. */
    Optional<AppointmentView> insert(Connection c, long patientId, long physicianId, OffsetDateTime startsAt,
            String reason) throws SQLException {
        return Sql.one(c, "INSERT INTO appointments (patient_id, physician_id, starts_at, reason) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (physician_id, starts_at) WHERE status = 'BOOKED' DO NOTHING RETURNING " + COLUMNS,
                this::map, patientId, physicianId, startsAt, reason);
    }

    Optional<AppointmentView> find(Connection c, long id) throws SQLException {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM appointments WHERE id = ?", this::map, id);
    }

    Optional<Current> findForUpdate(Connection c, long id) throws SQLException {
        return Sql.one(c, "SELECT a.id, a.patient_id, a.physician_id, a.starts_at, a.duration_minutes, a.status::text, "
                + "a.reason, a.cancellation_reason, a.reschedule_count, p.state FROM appointments a "
                + "LEFT JOIN patient_jurisdictions p ON p.patient_id = a.patient_id WHERE a.id = ? FOR UPDATE OF a",
                rs -> new Current(map(rs), rs.getString(10)), id);
    }

    AppointmentView moveTo(Connection c, long id, OffsetDateTime startsAt) throws SQLException {
        return Sql.one(c, "UPDATE appointments SET starts_at = ?, reschedule_count = reschedule_count + 1, "
                + "updated_at = now() WHERE id = ? RETURNING " + COLUMNS, this::map, startsAt, id).orElseThrow();
    }

    AppointmentView cancel(Connection c, long id, String reason) throws SQLException {
        return Sql.one(c, "UPDATE appointments SET status = 'CANCELLED', cancellation_reason = ?, cancelled_at = now(), "
                + "updated_at = now() WHERE id = ? RETURNING " + COLUMNS, this::map, reason, id).orElseThrow();
    }

    boolean patientKnown(Connection c, long patientId) throws SQLException {
        return Sql.one(c, "SELECT 1 FROM patient_jurisdictions WHERE patient_id = ?", rs -> true, patientId).isPresent();
    }

    boolean physicianKnown(Connection c, long physicianId) throws SQLException {
        return Sql.one(c, "SELECT 1 FROM physicians WHERE physician_id = ?", rs -> true, physicianId).isPresent();
    }

    /** A patient's or physician's appointments from {@code from} (inclusive) to {@code to} (exclusive), API order. */
    List<AppointmentView> list(Connection c, String column, long id, OffsetDateTime from, OffsetDateTime to)
            throws SQLException {
        if (!column.equals("patient_id") && !column.equals("physician_id")) {
            throw new IllegalArgumentException("column: " + column + " (expected: patient_id or physician_id)");
        }
        return Sql.list(c, "SELECT " + COLUMNS + " FROM appointments WHERE " + column + " = ? "
                + "AND starts_at >= ? AND starts_at < ? ORDER BY starts_at, id", this::map, id, from, to);
    }

    /**
     * The starts of a physician's booked appointments in [from, to), in one round trip; empty
     * when the physician is unknown.
     */
    Optional<List<OffsetDateTime>> bookedStarts(Connection c, long physicianId, OffsetDateTime from,
            OffsetDateTime to) throws SQLException {
        List<Object[]> rows = Sql.list(c, "SELECT p.physician_id, a.starts_at FROM (SELECT ?::bigint AS id) q "
                + "LEFT JOIN physicians p ON p.physician_id = q.id "
                + "LEFT JOIN appointments a ON a.physician_id = q.id AND a.status = 'BOOKED' "
                + "AND a.starts_at >= ? AND a.starts_at < ?",
                rs -> new Object[] {rs.getObject(1), rs.getObject(2, OffsetDateTime.class)}, physicianId, from, to);
        if (rows.isEmpty() || rows.get(0)[0] == null) {
            return Optional.empty();
        }
        List<OffsetDateTime> out = new ArrayList<>();
        for (Object[] r : rows) {
            if (r[1] != null) {
                out.add((OffsetDateTime) r[1]);
            }
        }
        return Optional.of(out);
    }

    private AppointmentView map(ResultSet rs) throws SQLException {
        return new AppointmentView(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                Slots.format(rs.getObject(4, OffsetDateTime.class), zone), rs.getInt(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getInt(9));
    }
}
