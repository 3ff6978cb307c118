package dev.strangler.services.video;

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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Rooms, join tokens and the signalling endpoint, with the monolith's contract: same paths,
 * JSON, statuses, error codes and messages, checked in the same order.
 */
final class RoomService {

    /** JSON of a room. */
    record RoomView(long id, long appointmentId, String status, Instant createdAt) {
    }

    /** JSON of a join token. */
    record JoinTokenView(long roomId, String role, String token, Instant expiresAt) {
    }

    private record TokenRow(long roomId, String role, Instant expires, String roomStatus) {
    }

    private static final String COLUMNS = "id, appointment_id, status::text, created_at";

    private final VideoSessionsConfig config;
    private final DataSource ds;
    private final SignallingRelay relay;
    private final SecureRandom random = new SecureRandom();

    RoomService(VideoSessionsConfig config, SignallingRelay relay) {
        this.config = config;
        this.ds = config.dataSource();
        this.relay = relay;
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
            String status = Sql.one(c, "SELECT status FROM appointment_statuses WHERE appointment_id = ? FOR UPDATE",
                    rs -> rs.getString(1), appointmentId)
                    .orElseThrow(() -> HttpError.notFound("appointment " + appointmentId + ": not found"));
            Optional<RoomView> existing = Sql.one(c, "SELECT " + COLUMNS + " FROM rooms WHERE appointment_id = ?",
                    RoomService::map, appointmentId);
            if (existing.isPresent()) {
                return Response.ok(existing.get()); // one room per appointment: asking again is harmless
            }
            if (!"BOOKED".equals(status)) {
                throw HttpError.conflict("not_booked", "appointment " + appointmentId + " is " + status
                        + " (expected: BOOKED)");
            }
            return Response.created(Sql.one(c, "INSERT INTO rooms (appointment_id, created_at) VALUES (?, ?) "
                    + "RETURNING " + COLUMNS, RoomService::map, appointmentId, now()).orElseThrow());
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
        Instant expires = config.clock().instant().plus(config.joinTokenTtl());
        return Transactions.inTransaction(ds, c -> {
            requireOpen(find(c, id));
            Sql.update(c, "INSERT INTO join_tokens (token, room_id, role, expires_at, created_at) "
                    + "VALUES (?, ?, ?::participant_role, ?, ?)", token, id, role, expires.atOffset(ZoneOffset.UTC), now());
            return Response.created(new JoinTokenView(id, role, token, expires));
        });
    }

    private Response endRoom(Request req) throws SQLException {
        long id = req.pathId("id");
        Response r = Transactions.inTransaction(ds, c -> {
            requireOpen(find(c, id));
            Sql.update(c, "UPDATE rooms SET status = 'ENDED', ended_at = ? WHERE id = ?", now(), id);
            return Response.ok(find(c, id));
        });
        relay.closeRoom(String.valueOf(id));
        return r;
    }

    /** Upgrade check: the token must be for this room, unexpired, and the room open. */
    private WebSocketListener accept(Request req) throws SQLException {
        long id = req.pathId("id");
        String token = req.query("token").orElseThrow(() -> new HttpError(401, "missing_token",
                "query parameter token: missing (expected: a join token from POST /video/rooms/" + id + "/tokens)"));
        TokenRow row;
        try (Connection c = ds.getConnection()) {
            find(c, id);
            row = Sql.one(c, "SELECT t.room_id, t.role::text, t.expires_at, r.status::text FROM join_tokens t "
                    + "JOIN rooms r ON r.id = t.room_id WHERE t.token = ?", rs -> new TokenRow(rs.getLong(1),
                            rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4)), token)
                    .orElse(null);
        }
        if (row == null || row.roomId() != id) {
            throw new HttpError(401, "invalid_token", "token: not a join token of room " + id);
        }
        if (!row.expires().isAfter(config.clock().instant())) {
            throw new HttpError(401, "token_expired", "token: expired at " + row.expires()
                    + " (expected: a fresh token from POST /video/rooms/" + id + "/tokens)");
        }
        if (!"OPEN".equals(row.roomStatus())) {
            throw HttpError.conflict("room_ended", "room " + id + " has ended");
        }
        return relay.participant(String.valueOf(id), row.role());
    }

    private OffsetDateTime now() {
        return config.clock().instant().atOffset(ZoneOffset.UTC);
    }

    private static void requireOpen(RoomView room) {
        if (!room.status().equals("OPEN")) {
            throw HttpError.conflict("room_ended", "room " + room.id() + " has ended");
        }
    }

    private static RoomView find(Connection c, long id) throws SQLException {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM rooms WHERE id = ?", RoomService::map, id)
                .orElseThrow(() -> HttpError.notFound("room " + id + ": not found"));
    }

    private static RoomView map(ResultSet rs) throws SQLException {
        return new RoomView(rs.getLong(1), rs.getLong(2), rs.getString(3),
                rs.getObject(4, OffsetDateTime.class).toInstant());
    }
}
