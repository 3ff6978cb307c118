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

/** Patients: register, read, list (by id, optionally by state). */
final class PatientService {

    /** JSON of a patient. */
    record PatientView(long id, String firstName, String lastName, LocalDate dateOfBirth, String state,
            String email, String phone) {
    }

    /** JSON of a list. */
    record PatientList(List<PatientView> items) {
    }

    private static final String COLUMNS = "pt_id, pt_fnm, pt_lnm, pt_dob, pt_st, pt_email, pt_phn";

    private final DataSource ds;

    PatientService(MonolithConfig config) {
        this.ds = config.dataSource();
    }

    Routes routes() {
        return new Routes()
                .post("/patients", this::create)
                .get("/patients/{id}", this::get)
                .get("/patients", this::list);
    }

    private Response create(Request req) throws SQLException {
        JsonBody body = req.json();
        String first = body.requiredText("firstName", 40);
        String last = body.requiredText("lastName", 40);
        LocalDate dob = body.requiredDate("dateOfBirth");
        String state = UsStates.check("state", body.requiredText("state", 2));
        String email = body.optionalText("email", 120).orElse(null);
        String phone = body.optionalText("phone", 20).orElse(null);
        PatientView created = Transactions.inTransaction(ds, c -> Sql.one(c,
                "INSERT INTO pt (pt_fnm, pt_lnm, pt_dob, pt_st, pt_email, pt_phn) VALUES (?, ?, ?, ?, ?, ?) "
                        + "RETURNING " + COLUMNS, PatientService::map, first, last, dob, state, email, phone)
                .orElseThrow());
        return Response.created(created);
    }

    private Response get(Request req) throws SQLException {
        long id = req.pathId("id");
        try (Connection c = ds.getConnection()) {
            return Response.ok(find(c, id));
        }
    }

    static PatientView find(Connection c, long id) throws SQLException {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM pt WHERE pt_id = ?", PatientService::map, id)
                .orElseThrow(() -> HttpError.notFound("patient " + id + ": not found"));
    }

    private Response list(Request req) throws SQLException {
        long after = req.query("afterId").isPresent() ? req.queryId("afterId") : 0;
        int limit = req.queryInt("limit", 50, 1, 500);
        String state = req.query("state").map(s -> UsStates.check("query parameter state", s)).orElse(null);
        try (Connection c = ds.getConnection()) {
            List<PatientView> items = state == null
                    ? Sql.list(c, "SELECT " + COLUMNS + " FROM pt WHERE pt_id > ? ORDER BY pt_id LIMIT ?",
                            PatientService::map, after, limit)
                    : Sql.list(c, "SELECT " + COLUMNS + " FROM pt WHERE pt_id > ? AND pt_st = ? ORDER BY pt_id LIMIT ?",
                            PatientService::map, after, state, limit);
            return Response.ok(new PatientList(items));
        }
    }

    private static PatientView map(ResultSet rs) throws SQLException {
        return new PatientView(rs.getLong(1), rs.getString(2), rs.getString(3),
                rs.getObject(4, LocalDate.class), rs.getString(5), rs.getString(6), rs.getString(7));
    }
}
