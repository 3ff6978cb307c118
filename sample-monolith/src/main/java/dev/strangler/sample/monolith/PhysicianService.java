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

/** Physicians and their licences, one per US state (the jurisdiction rule's source). */
final class PhysicianService {

    /** JSON of a physician. */
    record PhysicianView(long id, String firstName, String lastName, String npi, String specialty) {
    }

    /** JSON of a licence. */
    record LicenceView(long physicianId, String state, String number, LocalDate expiresOn, boolean active) {
    }

    record PhysicianList(List<PhysicianView> items) {
    }

    record LicenceList(List<LicenceView> items) {
    }

    private static final String COLUMNS = "phys_id, phys_fnm, phys_lnm, phys_npi, phys_spec";
    private static final String LIC_COLUMNS = "phys_id, lic_st, lic_no, lic_exp_dt, lic_stat";

    private final DataSource ds;

    PhysicianService(MonolithConfig config) {
        this.ds = config.dataSource();
    }

    Routes routes() {
        return new Routes()
                .post("/physicians", this::create)
                .get("/physicians/{id}", this::get)
                .get("/physicians", this::list)
                .get("/physicians/{id}/licences", this::licences)
                .put("/physicians/{id}/licences/{state}", this::putLicence)
                .delete("/physicians/{id}/licences/{state}", this::revokeLicence);
    }

    private Response create(Request req) throws SQLException {
        JsonBody body = req.json();
        String first = body.requiredText("firstName", 40);
        String last = body.requiredText("lastName", 40);
        String npi = body.requiredText("npi", 10);
        if (!npi.matches("\\d{10}")) {
            throw new HttpError(400, "invalid_field", "npi: '" + npi + "' (expected: 10 digits)");
        }
        String specialty = body.optionalText("specialty", 40).orElse(null);
        return Transactions.inTransaction(ds, c -> {
            if (Sql.one(c, "SELECT 1 FROM phys WHERE phys_npi = ?", rs -> true, npi).isPresent()) {
                throw HttpError.conflict("duplicate_npi", "npi " + npi + ": already registered");
            }
            return Response.created(Sql.one(c, "INSERT INTO phys (phys_fnm, phys_lnm, phys_npi, phys_spec) "
                    + "VALUES (?, ?, ?, ?) RETURNING " + COLUMNS, PhysicianService::map, first, last, npi, specialty)
                    .orElseThrow());
        });
    }

    private Response get(Request req) throws SQLException {
        long id = req.pathId("id");
        try (Connection c = ds.getConnection()) {
            return Response.ok(find(c, id));
        }
    }

    static PhysicianView find(Connection c, long id) throws SQLException {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM phys WHERE phys_id = ?", PhysicianService::map, id)
                .orElseThrow(() -> HttpError.notFound("physician " + id + ": not found"));
    }

    private Response list(Request req) throws SQLException {
        long after = req.query("afterId").isPresent() ? req.queryId("afterId") : 0;
        int limit = req.queryInt("limit", 50, 1, 500);
        try (Connection c = ds.getConnection()) {
            return Response.ok(new PhysicianList(Sql.list(c, "SELECT " + COLUMNS
                    + " FROM phys WHERE phys_id > ? ORDER BY phys_id LIMIT ?", PhysicianService::map, after, limit)));
        }
    }

    private Response licences(Request req) throws SQLException {
        long id = req.pathId("id");
        try (Connection c = ds.getConnection()) {
            find(c, id);
            return Response.ok(new LicenceList(Sql.list(c, "SELECT " + LIC_COLUMNS
                    + " FROM phys_lic WHERE phys_id = ? ORDER BY lic_st", PhysicianService::mapLicence, id)));
        }
    }

    private Response putLicence(Request req) throws SQLException {
        long id = req.pathId("id");
        String state = UsStates.check("state", req.pathParam("state"));
        JsonBody body = req.json();
        String number = body.requiredText("number", 20);
        LocalDate expires = body.requiredDate("expiresOn");
        return Transactions.inTransaction(ds, c -> {
            find(c, id);
            return Response.ok(Sql.one(c, "INSERT INTO phys_lic (phys_id, lic_st, lic_no, lic_exp_dt) "
                    + "VALUES (?, ?, ?, ?) ON CONFLICT (phys_id, lic_st) DO UPDATE SET lic_no = excluded.lic_no, "
                    + "lic_exp_dt = excluded.lic_exp_dt, lic_stat = 'A', upd_ts = now() AT TIME ZONE 'UTC' "
                    + "RETURNING " + LIC_COLUMNS, PhysicianService::mapLicence, id, state, number, expires)
                    .orElseThrow());
        });
    }

    private Response revokeLicence(Request req) throws SQLException {
        long id = req.pathId("id");
        String state = UsStates.check("state", req.pathParam("state"));
        return Transactions.inTransaction(ds, c -> {
            find(c, id);
            int n = Sql.update(c, "UPDATE phys_lic SET lic_stat = 'R', upd_ts = now() AT TIME ZONE 'UTC' "
                    + "WHERE phys_id = ? AND lic_st = ? AND lic_stat = 'A'", id, state);
            if (n == 0) {
                throw HttpError.notFound("physician " + id + ": no active licence in " + state);
            }
            return Response.noContent();
        });
    }

    private static PhysicianView map(ResultSet rs) throws SQLException {
        return new PhysicianView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5));
    }

    private static LicenceView mapLicence(ResultSet rs) throws SQLException {
        return new LicenceView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getObject(4, LocalDate.class),
                "A".equals(rs.getString(5)));
    }
}
