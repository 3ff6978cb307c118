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
import java.util.List;
import javax.sql.DataSource;

/**
 * Prescriptions: only for a patient who has a booked or completed appointment with the
 * prescribing physician, and only by a physician licensed in the patient's state today.
 */
final class PrescriptionService {

    /** JSON of a prescription. */
    record PrescriptionView(long id, long patientId, long physicianId, long appointmentId, String drug,
            String dose, int quantity, int refills, LocalDate prescribedOn) {
    }

    record PrescriptionList(List<PrescriptionView> items) {
    }

    private static final String COLUMNS = "rx_id, pt_id, phys_id, appt_id, rx_drug, rx_dose, rx_qty, rx_refills, rx_dt";

    private final MonolithConfig config;
    private final DataSource ds;

    PrescriptionService(MonolithConfig config) {
        this.config = config;
        this.ds = config.dataSource();
    }

    Routes routes() {
        return new Routes()
                .post("/prescriptions", this::create)
                .get("/prescriptions", this::list);
    }

    private Response create(Request req) throws SQLException {
        JsonBody body = req.json();
        long patientId = body.requiredId("patientId");
        long physicianId = body.requiredId("physicianId");
        String drug = body.requiredText("drug", 80);
        String dose = body.requiredText("dose", 40);
        int quantity = body.optionalId("quantity").map(Long::intValue).orElse(30);
        LocalDate today = LocalDate.now(config.clock().withZone(config.zone()));
        return Transactions.inTransaction(ds, c -> {
            String state = PatientService.find(c, patientId).state();
            PhysicianService.find(c, physicianId);
            long apptId = Sql.one(c, "SELECT appt_id FROM appt WHERE pt_id = ? AND phys_id = ? "
                    + "AND appt_stat IN ('B', 'D') ORDER BY appt_dt DESC, appt_tm DESC LIMIT 1",
                    rs -> rs.getLong(1), patientId, physicianId)
                    .orElseThrow(() -> HttpError.unprocessable("no_appointment", "patient " + patientId
                            + " has no appointment with physician " + physicianId
                            + " (expected: a booked or completed appointment before prescribing)"));
            AppointmentService.checkLicence(c, physicianId, state, today);
            return Response.created(Sql.one(c, "INSERT INTO rx (pt_id, phys_id, appt_id, rx_drug, rx_dose, rx_qty, rx_dt) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS, PrescriptionService::map,
                    patientId, physicianId, apptId, drug, dose, quantity, today).orElseThrow());
        });
    }

    private Response list(Request req) throws SQLException {
        long patientId = req.queryId("patientId");
        try (Connection c = ds.getConnection()) {
            PatientService.find(c, patientId);
            return Response.ok(new PrescriptionList(Sql.list(c, "SELECT " + COLUMNS
                    + " FROM rx WHERE pt_id = ? ORDER BY rx_dt, rx_id", PrescriptionService::map, patientId)));
        }
    }

    private static PrescriptionView map(ResultSet rs) throws SQLException {
        return new PrescriptionView(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getObject(9, LocalDate.class));
    }
}
