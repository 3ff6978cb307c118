package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM behaviour of {@link ProxyServer#drainAndClose()}, with real sockets. */
class DrainIT {

    @TempDir
    Path state;
    TestBackend legacy;
    TestBackend target;
    ProxyServer proxy;

    @BeforeEach
    void backends() throws Exception {
        legacy = TestBackend.start("monolith");
        target = TestBackend.start("appointments");
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        legacy.close();
        target.close();
    }

    private void startProxy(Duration drainDelay, Duration grace) {
        proxy = ProxyServer.start(Fixture.config(state, legacy.port(), target.port(), 0)
                .drainDelay(drainDelay).grace(grace).build(), new SimpleMeterRegistry(), Clock.systemUTC());
    }

    private CompletableFuture<Void> drainInBackground() {
        return CompletableFuture.runAsync(proxy::drainAndClose);
    }

    private int readyzStatus(int adminPort) throws Exception {
        return Fixture.get(adminPort, "/readyz").statusCode();
    }

    @Test
    void readyzTurns503AtOnceListenerClosesAfterTheDelayAndTheSlowRequestFinishes() throws Exception {
        startProxy(Duration.ofSeconds(3), Duration.ofSeconds(20));
        int port = proxy.port();
        int admin = proxy.adminPort();
        assertThat(readyzStatus(admin)).isEqualTo(200);
        CompletableFuture<HttpResponse<String>> slow = Fixture.CLIENT.sendAsync(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/other?delayMs=5000")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        Await.await(Duration.ofSeconds(10), () -> proxy.inFlight() == 1);
        long t0 = System.nanoTime();

        CompletableFuture<Void> drained = drainInBackground();

        Await.await(Duration.ofSeconds(2), () -> {
            try {
                return readyzStatus(admin) == 503;
            } catch (Exception e) {
                return false;
            }
        });
        var ready = Fixture.get(admin, "/readyz");
        assertThat(Fixture.json(ready).path("status").asText()).isEqualTo("draining");
        // Still accepting during the drain delay (a load balancer may not have noticed yet), and
        // nothing changes for the client yet: no Connection: close before the listener is gone.
        if (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(2_000)) {
            try (KeepAliveClient c = new KeepAliveClient(port)) {
                KeepAliveClient.Answer a = c.get("/api/other");
                assertThat(a.status()).isEqualTo(200);
                assertThat(a.close()).isFalse();
            }
        }
        Await.await(Duration.ofSeconds(15), () -> refused(port));
        assertThat(System.nanoTime() - t0).as("listener open for the drain delay")
                .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(3));
        assertThat(drained).isNotDone(); // the slow request is still running

        HttpResponse<String> r = slow.get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        drained.get(30, TimeUnit.SECONDS);
        assertThat(proxy.openConnections()).isZero();
    }

    @Test
    void busyKeepAliveConnectionGetsConnectionCloseAndIdleOneIsClosed() throws Exception {
        startProxy(Duration.ZERO, Duration.ofSeconds(20));
        int port = proxy.port();
        try (KeepAliveClient busy = new KeepAliveClient(port); Socket idle = new Socket("127.0.0.1", port)) {
            assertThat(busy.get("/api/other").close()).isFalse(); // keep-alive before the drain
            idle.getOutputStream().write("GET /api/other HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            idle.setSoTimeout(10_000);
            CompletableFuture<KeepAliveClient.Answer> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return busy.get("/api/other?delayMs=1500");
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Await.await(Duration.ofSeconds(10), () -> proxy.inFlight() == 1);
            RawHttp.Reply first = readOneResponse(idle);
            assertThat(first.text()).startsWith("HTTP/1.1 200");

            CompletableFuture<Void> drained = drainInBackground();

            KeepAliveClient.Answer a = slow.get(20, TimeUnit.SECONDS);
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.close()).as("Connection: close on the response finished during the drain").isTrue();
            // The idle keep-alive connection is closed by the proxy: reading gives end of stream.
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            drained.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void openWebSocketMayFinishWithinTheGraceThenTheProxyStops() throws Exception {
        startProxy(Duration.ZERO, Duration.ofSeconds(20));
        proxy.controller().setWeight("test", "appointments", 10_000, "all to target");
        WebSocketIT.Client c = new WebSocketIT.Client();
        WebSocket ws = Fixture.CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + proxy.port() + "/api/appointments/ws"), c)
                .orTimeout(10, TimeUnit.SECONDS).join();
        ws.sendText("before", true).join();
        assertThat(c.next()).isEqualTo("appointments:before");

        CompletableFuture<Void> drained = drainInBackground();

        Await.await(Duration.ofSeconds(10), () -> refused(proxy.port()));
        ws.sendText("during drain", true).join(); // the session keeps working while the proxy drains
        assertThat(c.next()).isEqualTo("appointments:during drain");
        assertThat(drained).isNotDone();
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "visit over").join();
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        drained.get(10, TimeUnit.SECONDS); // well before the 20 s grace: nothing left to wait for
    }

    @Test
    void webSocketStillOpenWhenGraceEndsGetsGoingAway() throws Exception {
        startProxy(Duration.ZERO, Duration.ofSeconds(1));
        proxy.controller().setWeight("test", "appointments", 10_000, "all to target");
        WebSocketIT.Client c = new WebSocketIT.Client();
        WebSocket ws = Fixture.CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + proxy.port() + "/api/appointments/ws"), c)
                .orTimeout(10, TimeUnit.SECONDS).join();
        ws.sendText("hi", true).join();
        assertThat(c.next()).isEqualTo("appointments:hi");

        proxy.drainAndClose();

        assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static RawHttp.Reply readOneResponse(Socket s) throws IOException {
        StringBuilder b = new StringBuilder();
        var in = s.getInputStream();
        int contentLength = -1;
        while (true) {
            int ch = in.read();
            if (ch < 0) {
                break;
            }
            b.append((char) ch);
            if (b.toString().endsWith("\r\n\r\n")) {
                for (String line : b.toString().split("\r\n")) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        contentLength = Integer.parseInt(line.substring(15).trim());
                    }
                }
                break;
            }
        }
        for (int i = 0; i < contentLength; i++) {
            b.append((char) in.read());
        }
        return new RawHttp.Reply(b.toString(), false);
    }
}
