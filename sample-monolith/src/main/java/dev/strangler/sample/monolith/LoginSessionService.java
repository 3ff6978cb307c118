package dev.strangler.sample.monolith;

import dev.strangler.sample.http.HttpError;
import dev.strangler.sample.http.JsonBody;
import dev.strangler.sample.http.Request;
import dev.strangler.sample.http.Response;
import dev.strangler.sample.http.Routes;
import dev.strangler.sample.http.Sql;
import dev.strangler.sample.http.Transactions;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import javax.sql.DataSource;

/** Users and login sessions: a bearer token per login, expiring after the configured TTL. */
final class LoginSessionService {

    /** JSON of a user. */
    record UserView(long id, String username, String role, Long patientId, Long physicianId) {
    }

    /** JSON of a session; {@code token} only in the answer to the login. */
    record SessionView(String token, long userId, String username, String role, Instant expiresAt) {
    }

    private final MonolithConfig config;
    private final DataSource ds;
    private final SecureRandom random = new SecureRandom();

    LoginSessionService(MonolithConfig config) {
        this.config = config;
        this.ds = config.dataSource();
    }

    Routes routes() {
        return new Routes()
                .post("/users", this::createUser)
                .post("/sessions", this::login)
                .get("/sessions/current", this::current)
                .delete("/sessions/current", this::logout);
    }

    private Response createUser(Request req) throws SQLException {
        JsonBody body = req.json();
        String username = body.requiredText("username", 40);
        String password = body.requiredText("password", 200);
        if (password.length() < 8) {
            throw new HttpError(400, "invalid_field", "password: too short (expected: at least 8 characters)");
        }
        Long patientId = body.optionalId("patientId").orElse(null);
        Long physicianId = body.optionalId("physicianId").orElse(null);
        if ((patientId == null) == (physicianId == null)) {
            throw HttpError.badRequest("body: exactly one of patientId, physicianId is required");
        }
        String hash = Passwords.hash(password, Passwords.ITERATIONS); // slow on purpose: before the transaction
        return Transactions.inTransaction(ds, c -> {
            if (patientId != null) {
                PatientService.find(c, patientId);
            } else {
                PhysicianService.find(c, physicianId);
            }
            if (Sql.one(c, "SELECT 1 FROM usr WHERE usr_nm = ?", rs -> true, username).isPresent()) {
                throw HttpError.conflict("duplicate_username", "username " + username + ": already taken");
            }
            long id = Sql.one(c, "INSERT INTO usr (usr_nm, pwd_hash, usr_typ, pt_id, phys_id) VALUES (?, ?, ?, ?, ?) "
                    + "RETURNING usr_id", rs -> rs.getLong(1), username, hash, patientId != null ? "P" : "D",
                    patientId, physicianId).orElseThrow();
            return Response.created(new UserView(id, username, patientId != null ? "PATIENT" : "PHYSICIAN",
                    patientId, physicianId));
        });
    }

    private record Account(long id, String hash, String type) {
    }

    private Response login(Request req) throws SQLException {
        JsonBody body = req.json();
        String username = body.requiredText("username", 40);
        String password = body.requiredText("password", 200);
        HttpError refused = new HttpError(401, "invalid_credentials", "username or password: not recognised");
        Account account = Transactions.inTransaction(ds, c -> Sql.one(c,
                "SELECT usr_id, pwd_hash, usr_typ FROM usr WHERE usr_nm = ?",
                rs -> new Account(rs.getLong(1), rs.getString(2), rs.getString(3)), username)).orElseThrow(() -> refused);
        if (!Passwords.matches(password, account.hash())) {
            Transactions.inTransaction(ds, c -> Sql.update(c, "UPDATE usr SET fail_cnt = fail_cnt + 1 WHERE usr_id = ?",
                    account.id()));
            throw refused;
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = config.clock().instant();
        Instant expires = now.plus(config.sessionTtl());
        Transactions.inTransaction(ds, c -> {
            Sql.update(c, "INSERT INTO lgn_sess (sess_tok, usr_id, crt_ts, exp_ts) VALUES (?, ?, ?, ?)",
                    token, account.id(), utc(now), utc(expires));
            return Sql.update(c, "UPDATE usr SET lst_lgn_ts = ?, fail_cnt = 0 WHERE usr_id = ?", utc(now), account.id());
        });
        return Response.created(new SessionView(token, account.id(), username, role(account.type()), expires));
    }

    private Response current(Request req) throws SQLException {
        String token = bearer(req);
        Instant now = config.clock().instant();
        SessionView s = Transactions.inTransaction(ds, c -> Sql.one(c,
                "UPDATE lgn_sess s SET lst_acc_ts = ? FROM usr u WHERE s.sess_tok = ? AND s.usr_id = u.usr_id "
                        + "AND s.exp_ts > ? RETURNING u.usr_id, u.usr_nm, u.usr_typ, s.exp_ts",
                rs -> new SessionView(null, rs.getLong(1), rs.getString(2), role(rs.getString(3)),
                        rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC)),
                utc(now), token, utc(now))).orElseThrow(LoginSessionService::expired);
        return Response.ok(s);
    }

    private Response logout(Request req) throws SQLException {
        String token = bearer(req);
        int n = Transactions.inTransaction(ds, c -> Sql.update(c, "DELETE FROM lgn_sess WHERE sess_tok = ?", token));
        if (n == 0) {
            throw expired();
        }
        return Response.noContent();
    }

    private static HttpError expired() {
        return new HttpError(401, "invalid_session", "session: unknown or expired (expected: a token from POST /sessions)");
    }

    private static String bearer(Request req) {
        String h = req.header("Authorization").orElseThrow(() -> new HttpError(401, "missing_token",
                "Authorization: missing (expected: Bearer <token from POST /sessions>)"));
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7) || h.length() <= 7) {
            throw new HttpError(401, "missing_token", "Authorization: not a bearer token (expected: Bearer <token>)");
        }
        return h.substring(7).strip();
    }

    private static String role(String type) {
        return "P".equals(type) ? "PATIENT" : "PHYSICIAN";
    }

    static LocalDateTime utc(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
