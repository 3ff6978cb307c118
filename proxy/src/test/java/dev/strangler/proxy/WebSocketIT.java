package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebSocket sessions (video visit signalling) pass through and stay put until a forced rollback. */
class WebSocketIT {

    @TempDir
    Path state;
    TestBackend legacy;
    TestBackend target;
    ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        legacy = TestBackend.start("monolith");
        target = TestBackend.start("appointments");
        proxy = ProxyServer.start(Fixture.config(state, legacy.port(), target.port(), 10_000).build(),
                new SimpleMeterRegistry(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        proxy.close();
        legacy.close();
        target.close();
    }

    /** Collects text messages and the close status. */
    static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        String next() throws InterruptedException {
            String m = messages.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("message within 10 s").isNotNull();
            return m;
        }
    }

    private WebSocket open(Client c) {
        return Fixture.CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + proxy.port() + "/api/appointments/ws"), c)
                .orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void echoesThroughTheProxyAndStaysOnItsBackendWhenWeightsChange() throws Exception {
        Client c = new Client();
        WebSocket ws = open(c);
        ws.sendText("hello", true).join();
        assertThat(c.next()).isEqualTo("appointments:hello");

        proxy.controller().setWeight("test", "appointments", 0, "back to monolith");
        assertThat(Fixture.get(proxy.port(), "/api/appointments/1").headers().firstValue("X-Backend")).hasValue("monolith");

        ws.sendText("still there?", true).join();
        assertThat(c.next()).isEqualTo("appointments:still there?");
        String big = "x".repeat(50_000); // spans many TCP segments through the raw relay
        ws.sendText(big, true).join();
        String echoed = c.next();
        assertThat(echoed.equals("appointments:" + big)).as("50 kB message echoed intact (got %d chars)", echoed.length()).isTrue();

        proxy.controller().rollback("test", "appointments", "no force", false);
        ws.sendText("after rollback", true).join();
        assertThat(c.next()).isEqualTo("appointments:after rollback");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void forcedRollbackClosesTargetSessionsWithGoingAway() throws Exception {
        Client c = new Client();
        WebSocket ws = open(c);
        ws.sendText("ping", true).join();
        assertThat(c.next()).isEqualTo("appointments:ping");
        Await.await(Duration.ofSeconds(5), () -> target.openWebSockets.size() == 1);

        var result = proxy.controller().rollback("test", "appointments", "incident", true);

        assertThat(result.closedWebSockets()).isEqualTo(1);
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
        Await.await(Duration.ofSeconds(5), () -> target.openWebSockets.isEmpty());
        assertThat(ws.isInputClosed()).isTrue();
    }
}
