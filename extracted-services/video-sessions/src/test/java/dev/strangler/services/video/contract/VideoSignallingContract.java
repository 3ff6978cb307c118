package dev.strangler.services.video.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.sample.http.testing.TestHttp;
import dev.strangler.sample.http.testing.TestHttp.Reply;
import dev.strangler.sample.http.testing.TestWebSocket;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The video contract both the monolith and the video-sessions service honour: rooms, join
 * tokens, and the WebSocket signalling relay between the two participants of a room.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class VideoSignallingContract {

    protected static final Duration WAIT = Duration.ofSeconds(5);
    /** Implementations run on this clock with 5-minute join tokens. */
    protected final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T12:00:00Z"));
    private final AtomicLong ids = new AtomicLong(70_000);
    private final HttpClient client = HttpClient.newHttpClient();

    protected abstract TestHttp http();

    /** Makes an appointment with {@code status} (BOOKED, CANCELLED, ...) known to the implementation. */
    protected abstract void givenAppointment(long id, String status);

    private long openRoom() {
        long appt = ids.incrementAndGet();
        givenAppointment(appt, "BOOKED");
        Reply room = http().post("/video/rooms", "{\"appointmentId\":" + appt + "}");
        assertThat(room.status()).isEqualTo(201);
        return room.json().path("id").asLong();
    }

    private String token(long room, String role) {
        Reply r = http().post("/video/rooms/" + room + "/tokens", "{\"role\":\"" + role + "\"}");
        assertThat(r.status()).isEqualTo(201);
        return r.field("token");
    }

    private TestWebSocket join(long room, String token) {
        return TestWebSocket.connect(client, http().base().replace("http:", "ws:") + "/video/rooms/" + room
                + "/signal?token=" + token);
    }

    private int refusedStatus(long room, String token) {
        try {
            join(room, token).close();
            throw new AssertionError("signalling connection was accepted");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    @Test
    void opensOneRoomPerBookedAppointment() {
        long appt = ids.incrementAndGet();
        givenAppointment(appt, "BOOKED");
        long cancelled = ids.incrementAndGet();
        givenAppointment(cancelled, "CANCELLED");

        Reply first = http().post("/video/rooms", "{\"appointmentId\":" + appt + "}");
        Reply again = http().post("/video/rooms", "{\"appointmentId\":" + appt + "}");
        Reply ofCancelled = http().post("/video/rooms", "{\"appointmentId\":" + cancelled + "}");
        Reply unknown = http().post("/video/rooms", "{\"appointmentId\":99999999}");

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.field("status")).isEqualTo("OPEN");
        assertThat(first.json().path("appointmentId").asLong()).isEqualTo(appt);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("id").asLong()).isEqualTo(first.json().path("id").asLong());
        assertThat(ofCancelled.status()).isEqualTo(409);
        assertThat(ofCancelled.field("message")).isEqualTo("appointment " + cancelled + " is CANCELLED (expected: BOOKED)");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.field("message")).isEqualTo("appointment 99999999: not found");
    }

    @Test
    void relaysSignallingMessagesBetweenPatientAndPhysician() {
        long room = openRoom();
        try (TestWebSocket patient = join(room, token(room, "patient"))) {
            assertThat(patient.next(WAIT)).isEqualTo("{\"type\":\"joined\",\"role\":\"patient\",\"peerPresent\":false}");
            patient.send("{\"sdp\":\"too early\"}");
            assertThat(patient.next(WAIT)).isEqualTo("{\"type\":\"undelivered\",\"reason\":\"peer not connected\"}");
            try (TestWebSocket physician = join(room, token(room, "physician"))) {
                assertThat(physician.next(WAIT)).contains("\"peerPresent\":true");
                assertThat(patient.next(WAIT)).isEqualTo("{\"type\":\"peer-joined\",\"role\":\"physician\"}");

                patient.send("{\"type\":\"offer\",\"sdp\":\"v=0 patient\"}");
                physician.send("{\"type\":\"answer\",\"sdp\":\"v=0 physician\"}");
                for (int i = 0; i < 50; i++) {
                    patient.send("{\"type\":\"candidate\",\"n\":" + i + "}");
                }

                assertThat(physician.next(WAIT)).isEqualTo("{\"type\":\"offer\",\"sdp\":\"v=0 patient\"}");
                assertThat(patient.next(WAIT)).isEqualTo("{\"type\":\"answer\",\"sdp\":\"v=0 physician\"}");
                for (int i = 0; i < 50; i++) {
                    assertThat(physician.next(WAIT)).isEqualTo("{\"type\":\"candidate\",\"n\":" + i + "}");
                }
            }
            assertThat(patient.next(WAIT)).isEqualTo("{\"type\":\"peer-left\",\"role\":\"physician\"}");
        }
    }

    @Test
    void aSecondConnectionForARoleReplacesTheFirst() {
        long room = openRoom();
        try (TestWebSocket first = join(room, token(room, "patient"));
                TestWebSocket second = join(room, token(room, "patient"))) {
            assertThat(first.closeCode(WAIT)).isEqualTo(4001);
            assertThat(second.next(WAIT)).contains("\"joined\"");
        }
    }

    @Test
    void refusesMissingForeignAndExpiredTokens() {
        long room = openRoom();
        long other = openRoom();
        String foreign = token(other, "patient");
        String soonExpired = token(room, "physician");

        assertThat(refusedStatus(room, "")).isEqualTo(401);
        assertThat(refusedStatus(room, "not-a-token")).isEqualTo(401);
        assertThat(refusedStatus(room, foreign)).isEqualTo(401);
        assertThat(refusedStatus(999_999_999L, foreign)).isEqualTo(404);
        clock.advance(Duration.ofMinutes(6));
        try {
            assertThat(refusedStatus(room, soonExpired)).isEqualTo(401);
        } finally {
            clock.advance(Duration.ofMinutes(-6));
        }
    }

    @Test
    void endingARoomClosesItsParticipantsAndRefusesNewTokens() {
        long room = openRoom();
        try (TestWebSocket patient = join(room, token(room, "patient"));
                TestWebSocket physician = join(room, token(room, "physician"))) {
            Reply ended = http().post("/video/rooms/" + room + "/end", "");

            assertThat(ended.status()).isEqualTo(200);
            assertThat(ended.field("status")).isEqualTo("ENDED");
            assertThat(patient.closeCode(WAIT)).isEqualTo(4002);
            assertThat(physician.closeCode(WAIT)).isEqualTo(4002);
        }
        Reply token = http().post("/video/rooms/" + room + "/tokens", "{\"role\":\"patient\"}");
        assertThat(token.status()).isEqualTo(409);
        assertThat(token.field("error")).isEqualTo("room_ended");
    }

    @Test
    void badInputIs4xxNeverA500() {
        long room = openRoom();

        Reply badRole = http().post("/video/rooms/" + room + "/tokens", "{\"role\":\"nurse\"}");
        Reply malformed = http().post("/video/rooms", "{\"appointmentId\":");
        Reply unknownRoom = http().get("/video/rooms/123456789");

        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.field("message")).isEqualTo("role: 'nurse' (expected: patient or physician)");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.field("error")).isEqualTo("malformed_json");
        assertThat(unknownRoom.status()).isEqualTo(404);
        assertThatThrownBy(() -> join(room, "x").close()).isInstanceOf(CompletionException.class);
    }
}
