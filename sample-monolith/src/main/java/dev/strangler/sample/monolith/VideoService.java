package dev.strangler.sample.monolith;

import dev.strangler.sample.http.HttpError;
import dev.strangler.sample.http.Request;
import dev.strangler.sample.http.Response;
import dev.strangler.sample.http.Routes;
import dev.strangler.sample.http.SignallingRelay;
import dev.strangler.sample.http.Sql;
import dev.strangler.sample.http.Transactions;
import dev.strangler.sample.http.WebSocketListener;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Video visits: a room per appointment, short-lived join tokens per participant, and the
 * WebSocket signalling endpoint {@code /video/rooms/{id}/signal?token=...} that relays messages
 * between the two participants.
 */
final class VideoService {

    /** JSON of a room. */
    record RoomView(long id, long appointmentId, String status, Instant createdAt) {
    }

    /** JSON of a join token. */
    record JoinTokenView(long roomId, String role, String token, Instant expiresAt) {
    }

    private final MonolithConfig config;
    private final DataSource ds;
    private final SignallingRelay relay = new SignallingRelay();
    private final SecureRandom random = new SecureRandom();

    VideoService(MonolithConfig config) {
        this.config = config;
        this.ds = config.dataSource();
    }

    int openSignallingSessions() {
        return relay.openSessions();
    }

    Routes routes() {
        return new Routes()
                .post("/video/rooms", this::createRoom)
                .get("/video/rooms/{id}", this::getRoom)
                .post("/video/rooms/{id}/tokens", this::createToken)
                .post("/video/rooms/{id}/end", this::endRoom)
                .webSocket("/video/rooms/{id}/signal", this::accept);
    }

    private Response createRoom(Request req) throws SQLException {
        long appointmentId = req.json().requiredId("appointmentId");
        return Transactions.inTransaction(ds, c -> {
            String status = Sql.one(c, "SELECT appt_stat FROM appt WHERE appt_id = ? FOR UPDATE",
                    rs -> rs.getString(1), appointmentId)
                    .orElseThrow(() -> HttpError.notFound("appointment " + appointmentId + ": not found"));
            Optional<RoomView> existing = Sql.one(c, "SELECT rm_id, appt_id, rm_stat, crt_ts FROM vid_rm WHERE appt_id = ?",
                    VideoService::map, appointmentId);
            if (existing.isPresent()) {
                return Response.ok(existing.get()); // one room per appointment: asking again is harmless
            }
            if (!"B".equals(status)) {
                throw HttpError.conflict("not_booked", "appointment " + appointmentId + " is "
                        + AppointmentService.status(status) + " (expected: BOOKED)");
            }
            return Response.created(Sql.one(c, "INSERT INTO vid_rm (appt_id, crt_ts) VALUES (?, ?) "
                    + "RETURNING rm_id, appt_id, rm_stat, crt_ts", VideoService::map, appointmentId,
                    utc(config.clock().instant())).orElseThrow());
        });
    }

    private Response getRoom(Request req) throws SQLException {
        long id = req.pathId("id");
        try (Connection c = ds.getConnection()) {
            return Response.ok(find(c, id));
        }
    }

    private Response createToken(Request req) throws SQLException {
        long id = req.pathId("id");
        String role = req.json().requiredText("role", 20).toLowerCase(Locale.ROOT);
        if (!SignallingRelay.ROLES.contains(role)) {
            throw new HttpError(400, "invalid_field", "role: '" + role + "' (expected: patient or physician)");
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = config.clock().instant();
        Instant expires = now.plus(config.joinTokenTtl());
        return Transactions.inTransaction(ds, c -> {
            requireOpen(find(c, id));
            Sql.update(c, "INSERT INTO vid_tok (tok_cd, rm_id, tok_role, exp_ts, crt_ts) VALUES (?, ?, ?, ?, ?)",
                    token, id, role.equals("patient") ? "P" : "D", utc(expires), utc(now));
            return Response.created(new JoinTokenView(id, role, token, expires));
        });
    }

    private Response endRoom(Request req) throws SQLException {
        long id = req.pathId("id");
        Response r = Transactions.inTransaction(ds, c -> {
            requireOpen(find(c, id));
            Sql.update(c, "UPDATE vid_rm SET rm_stat = 'E', end_ts = ? WHERE rm_id = ?", utc(config.clock().instant()), id);
            return Response.ok(find(c, id));
        });
        relay.closeRoom(String.valueOf(id));
        return r;
    }

    private record TokenRow(long roomId, String role, Instant expires, String roomStatus) {
    }

    /** Upgrade check: the token must be for this room, unexpired, and the room open. */
    private WebSocketListener accept(Request req) throws SQLException {
        long id = req.pathId("id");
        String token = req.query("token").orElseThrow(() -> new HttpError(401, "missing_token",
                "query parameter token: missing (expected: a join token from POST /video/rooms/" + id + "/tokens)"));
        TokenRow row;
        try (Connection c = ds.getConnection()) {
            find(c, id);
            row = Sql.one(c, "SELECT t.rm_id, t.tok_role, t.exp_ts, r.rm_stat FROM vid_tok t JOIN vid_rm r "
                    + "ON r.rm_id = t.rm_id WHERE t.tok_cd = ?", rs -> new TokenRow(rs.getLong(1),
                            "P".equals(rs.getString(2)) ? "patient" : "physician",
                            rs.getObject(3, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getString(4)), token)
                    .orElse(null);
        }
        if (row == null || row.roomId() != id) {
            throw new HttpError(401, "invalid_token", "token: not a join token of room " + id);
        }
        if (!row.expires().isAfter(config.clock().instant())) {
            throw new HttpError(401, "token_expired", "token: expired at " + row.expires()
                    + " (expected: a fresh token from POST /video/rooms/" + id + "/tokens)");
        }
        if (!"O".equals(row.roomStatus())) {
            throw HttpError.conflict("room_ended", "room " + id + " has ended");
        }
        return relay.participant(String.valueOf(id), row.role());
    }

    private static void requireOpen(RoomView room) {
        if (!room.status().equals("OPEN")) {
            throw HttpError.conflict("room_ended", "room " + room.id() + " has ended");
        }
    }

    private static RoomView find(Connection c, long id) throws SQLException {
        return Sql.one(c, "SELECT rm_id, appt_id, rm_stat, crt_ts FROM vid_rm WHERE rm_id = ?", VideoService::map, id)
                .orElseThrow(() -> HttpError.notFound("room " + id + ": not found"));
    }

    private static RoomView map(ResultSet rs) throws SQLException {
        return new RoomView(rs.getLong(1), rs.getLong(2), "O".equals(rs.getString(3)) ? "OPEN" : "ENDED",
                rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC));
    }

    private static LocalDateTime utc(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
