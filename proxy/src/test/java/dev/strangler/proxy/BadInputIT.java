package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed or hostile input gets a precise status, and smuggling never reaches the backend. */
class BadInputIT {

    @TempDir
    static Path state;
    static TestBackend backend;
    static ProxyServer proxy;
    static int deadPort;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("monolith");
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // closed again: nothing listens there
        }
        LimitsConfig limits = new LimitsConfig(1024, 2048, 1000, Duration.ofMillis(300), Duration.ofSeconds(30),
                Duration.ofSeconds(1), Duration.ofMillis(500), 8);
        ProxyConfig c = Fixture.config(state, backend.port(), backend.port(), 0).limits(limits)
                .backend("dead", new HostPort("127.0.0.1", deadPort)).build();
        List<Route> routes = List.of(
                new Route("down", RouteMatch.prefix("/down"), "dead", null, 0, null, null),
                new Route("api", RouteMatch.prefix("/api"), "monolith", null, 0, null, null));
        proxy = ProxyServer.start(new ProxyConfig(c.listen(), 1, c.admin(), c.backends(), routes, limits, c.state(),
                c.shutdownGrace()), new SimpleMeterRegistry(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    @BeforeEach
    void reset() {
        backend.requests.set(0);
    }

    private static void assertRejected(RawHttp.Reply r, String status) {
        assertThat(r.statusLine()).isEqualTo("HTTP/1.1 " + status);
        assertThat(r.text()).contains("\"error\":").doesNotContain("Exception").doesNotContain("at io.netty");
        assertThat(r.closed()).as("connection closed").isTrue();
    }

    @Test
    void rejectsContentLengthWithTransferEncoding() throws Exception {
        RawHttp.Reply r = RawHttp.send(proxy.port(), "POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/smuggled HTTP/1.1\r\nHost: a\r\n\r\n");
        assertRejected(r, "400 Bad Request");
        assertThat(backend.requests.get()).isZero();
    }

    @Test
    void rejectsDuplicateDifferingContentLength() throws Exception {
        RawHttp.Reply r = RawHttp.send(proxy.port(), "POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
                + "Content-Length: 30\r\n\r\nabcdGET /api/smuggled HTTP/1.1\r\n\r\n");
        assertRejected(r, "400 Bad Request");
        assertThat(backend.requests.get()).isZero();
    }

    @Test
    void rejectsInvalidChunkSize() throws Exception {
        RawHttp.Reply r = RawHttp.send(proxy.port(), "POST /api/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                + "\r\nzz\r\nhello\r\n0\r\n\r\n");
        assertRejected(r, "400 Bad Request");
        assertThat(backend.requests.get()).isZero();
    }

    @Test
    void rejectsOversizedRequestLineHeadersAndBodies() throws Exception {
        assertRejected(RawHttp.send(proxy.port(), "GET /api/" + "a".repeat(2000) + " HTTP/1.1\r\nHost: a\r\n\r\n"),
                "414 Request-URI Too Long");
        assertRejected(RawHttp.send(proxy.port(), "GET /api/x HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(3000) + "\r\n\r\n"),
                "431 Request Header Fields Too Large");
        assertRejected(RawHttp.send(proxy.port(), "POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n"),
                "413 Request Entity Too Large");
        String chunk = Integer.toHexString(600) + "\r\n" + "c".repeat(600) + "\r\n";
        assertRejected(RawHttp.send(proxy.port(), "POST /api/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk + chunk + "0\r\n\r\n"), "413 Request Entity Too Large");
        assertRejected(RawHttp.send(proxy.port(), "GARBAGE\r\n\r\n"), "400 Bad Request");
    }

    @Test
    void answers408WhenHeadersTrickleInTooSlowly() throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /api/slowloris HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            RawHttp.Reply r = RawHttp.readUntilClose(s.getInputStream());
            assertRejected(r, "408 Request Timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
        assertThat(backend.requests.get()).isZero();
    }

    @Test
    void answers502WhenBackendIsDownAnd504WhenItIsSilent() throws Exception {
        var down = Fixture.get(proxy.port(), "/down");
        assertThat(down.statusCode()).isEqualTo(502);
        assertThat(Fixture.json(down).path("error").asText()).isEqualTo("bad_gateway");
        assertThat(down.headers().firstValue("Content-Type")).hasValue("application/json");

        var slow = Fixture.get(proxy.port(), "/api/slow");
        assertThat(slow.statusCode()).isEqualTo(504);
        assertThat(Fixture.json(slow).path("error").asText()).isEqualTo("gateway_timeout");

        var closed = Fixture.get(proxy.port(), "/api/close");
        assertThat(closed.statusCode()).isEqualTo(502);

        // and the proxy keeps serving afterwards
        assertThat(Fixture.get(proxy.port(), "/api/fine").statusCode()).isEqualTo(200);
    }

    @Test
    void answers404WithJsonWhenNoRouteMatchesAndKeepsTheConnection() throws Exception {
        RawHttp.Reply r = RawHttp.send(proxy.port(), ("GET /nowhere HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /api/after HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII), 5_000);
        assertThat(r.statusLine()).isEqualTo("HTTP/1.1 404 Not Found");
        assertThat(r.text()).contains("\"error\":\"not_found\"").contains("\"backend\":\"monolith\"");
        assertThat(backend.requests.get()).isEqualTo(1);
    }
}
