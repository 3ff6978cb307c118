package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quiet video visit: a WebSocket silent for longer than {@code limits.idleTimeout} and
 * {@code limits.backendTimeout} stays open; {@code limits.webSocketIdleTimeout} is what ends it.
 */
class WebSocketIdleIT {

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
        proxy.close();
        legacy.close();
        target.close();
    }

    private void startProxy(Duration webSocketIdle) {
        LimitsConfig limits = new LimitsConfig(8 * 1024, 16 * 1024, 1 << 20, Duration.ofSeconds(5),
                Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(500), 8, webSocketIdle);
        proxy = ProxyServer.start(Fixture.config(state, legacy.port(), target.port(), 10_000).limits(limits)
                .grace(Duration.ofSeconds(1)).build(), new SimpleMeterRegistry(), Clock.systemUTC());
    }

    private WebSocket open(WebSocketIT.Client c) {
        return Fixture.CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + proxy.port() + "/api/appointments/ws"), c)
                .orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void quietSessionOutlivesIdleAndBackendTimeouts() throws Exception {
        startProxy(Duration.ofSeconds(30));
        WebSocketIT.Client c = new WebSocketIT.Client();
        WebSocket ws = open(c);
        ws.sendText("hello doctor", true).join();
        assertThat(c.next()).isEqualTo("appointments:hello doctor");

        Thread.sleep(2_500); // the subject of the test: 5x idleTimeout and backendTimeout of silence

        assertThat(c.closed).isNotDone();
        ws.sendText("still there?", true).join();
        assertThat(c.next()).isEqualTo("appointments:still there?");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void sessionSilentLongerThanWebSocketIdleTimeoutIsClosed() throws Exception {
        startProxy(Duration.ofSeconds(1));
        WebSocketIT.Client c = new WebSocketIT.Client();
        WebSocket ws = open(c);
        ws.sendText("hi", true).join();
        assertThat(c.next()).isEqualTo("appointments:hi");

        Await.await(Duration.ofSeconds(15), () -> c.closed.isDone());
        Await.await(Duration.ofSeconds(5), () -> target.openWebSockets.isEmpty());
    }
}
