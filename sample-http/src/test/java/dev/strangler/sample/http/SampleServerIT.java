package dev.strangler.sample.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.sample.http.testing.Await;
import dev.strangler.sample.http.testing.TestHttp;
import dev.strangler.sample.http.testing.TestHttp.Reply;
import dev.strangler.sample.http.testing.TestWebSocket;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SampleServerIT {

    record Item(long id, String name) {
    }

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static SampleServer server;
    private static TestHttp http;
    private static final SignallingRelay relay = new SignallingRelay();

    @BeforeAll
    static void start() {
        Routes routes = new Routes()
                .get("/items/{id}", r -> Response.ok(new Item(r.pathId("id"), "item")))
                .get("/items/special", r -> Response.ok(new Item(0, "special")))
                .post("/items", r -> Response.created(new Item(1, r.json().requiredText("name", 10))))
                .get("/boom", r -> {
                    throw new IllegalStateException("secret detail");
                })
                .webSocket("/rooms/{id}/{role}", r -> {
                    if (r.query("token").isEmpty()) {
                        throw new HttpError(401, "missing_token", "token: missing");
                    }
                    return relay.participant(r.pathParam("id"), r.pathParam("role"));
                });
        server = SampleServer.builder("test").port(0).routes(routes).maxBodyBytes(1024)
                .clock(Clock.fixed(Instant.parse("2030-01-07T12:00:00Z"), ZoneOffset.UTC)).start();
        http = new TestHttp(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void answersJsonStampedWithRequestIdAndTime() {
        Reply r = http.get("/items/42");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("id").asLong()).isEqualTo(42);
        assertThat(r.field("servedAt")).isEqualTo("2030-01-07T12:00:00Z");
        assertThat(r.field("requestId")).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(http.get("/items/42").field("requestId")).isNotEqualTo(r.field("requestId"));
    }

    @Test
    void literalRouteWinsOverParameter() {
        assertThat(http.get("/items/special").field("name")).isEqualTo("special");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithJsonBodies() {
        Reply missing = http.get("/nothing/here");
        Reply wrongMethod = http.delete("/items/1");

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.field("error")).isEqualTo("no_route");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.field("message")).contains("expected: GET");
    }

    @Test
    void malformedJsonIs400WithPosition() {
        Reply r = http.post("/items", "{\"name\": ");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.field("error")).isEqualTo("malformed_json");
        assertThat(r.field("message")).contains("line 1");
    }

    @Test
    void invalidFieldIs400NamingTheField() {
        Reply r = http.post("/items", "{\"name\": 12}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.field("message")).startsWith("name: 12 (expected: a non-empty string");
    }

    @Test
    void tooLargeBodyIs413() {
        Reply r = http.post("/items", "{\"name\":\"" + "x".repeat(2000) + "\"}");

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.field("error")).isEqualTo("payload_too_large");
    }

    @Test
    void handlerFailureIs500WithoutDetailsAndServerKeepsServing() {
        Reply r = http.get("/boom");

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.text()).doesNotContain("secret detail").doesNotContain("IllegalStateException");
        assertThat(http.get("/items/1").status()).isEqualTo(200);
    }

    @Test
    void relaysWebSocketMessagesBetweenTheTwoParticipants() {
        HttpClient client = HttpClient.newHttpClient();
        String base = "ws://127.0.0.1:" + server.port() + "/rooms/r1/";
        try (TestWebSocket patient = TestWebSocket.connect(client, base + "patient?token=t");
                TestWebSocket physician = TestWebSocket.connect(client, base + "physician?token=t")) {
            assertThat(patient.next(WAIT)).contains("\"joined\"").contains("\"peerPresent\":false");
            assertThat(physician.next(WAIT)).contains("\"peerPresent\":true");
            assertThat(patient.next(WAIT)).contains("peer-joined");

            patient.send("{\"sdp\":\"offer\"}");
            physician.send("{\"sdp\":\"answer\"}");

            assertThat(physician.next(WAIT)).isEqualTo("{\"sdp\":\"offer\"}");
            assertThat(patient.next(WAIT)).isEqualTo("{\"sdp\":\"answer\"}");
        }
        Await.until(WAIT, "relay to forget the room", () -> relay.openSessions() == 0);
    }

    @Test
    void refusedUpgradeGetsTheAcceptorsStatus() {
        HttpClient client = HttpClient.newHttpClient();
        try {
            TestWebSocket.connect(client, "ws://127.0.0.1:" + server.port() + "/rooms/r2/patient").close();
            throw new AssertionError("upgrade without token was accepted");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(401);
        }
        assertThat(http.get("/items/1").status()).isEqualTo(200);
    }
}
