package dev.strangler.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.proxy.BackendConfig;
import dev.strangler.proxy.HostPort;
import dev.strangler.proxy.LimitsConfig;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import dev.strangler.proxy.routing.RouteTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The client-side pipeline on an EmbeddedChannel: everything decided before a backend is involved. */
class FrontendHandlerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LimitsConfig limits = new LimitsConfig(1024, 2048, 100, Duration.ofSeconds(2), Duration.ofSeconds(60),
            Duration.ofSeconds(1), Duration.ofSeconds(5), 4);

    private EmbeddedChannel channel() {
        RouteTable table = new RouteTable(1, List.of(
                new Route("api", RouteMatch.prefix("/api"), "monolith", null, 0, null, null)));
        ProxyContext px = new ProxyContext(new AtomicReference<>(table),
                List.of(new BackendConfig("monolith", new HostPort("127.0.0.1", 1))), limits,
                new ProxyMetrics(registry), new WebSocketSessions(), NioSocketChannel.class);
        return new EmbeddedChannel(new ProxyChannelInitializer(px));
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release(); // we are the last owner of what the channel wrote
        }
        return sb.toString();
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void rejectsSmugglingAttemptWith400AndCloses() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(ascii("POST /api/a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        ch.runPendingTasks();
        String out = written(ch);
        assertThat(out).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("connection: close").contains("\"error\":\"bad_request\"");
        assertThat(ch.isOpen()).isFalse();
        assertThat(registry.get("strangler.proxy.requests").tags("route", "none", "status", "4xx").counter().count()).isEqualTo(1);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void answersUnmatchedRequestsWith404AndKeepsTheConnection() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(ascii("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(written(ch)).startsWith("HTTP/1.1 404 Not Found\r\n").contains("connection: keep-alive");
        ch.writeInbound(ascii("GET /still-nope HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(written(ch)).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void rejectsDeclaredBodyOverTheLimitWith413BeforeReadingIt() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(ascii("POST /api/a HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n"));
        assertThat(written(ch)).startsWith("HTTP/1.1 413 Request Entity Too Large\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void answers408WhenHeadersStayIncomplete() {
        EmbeddedChannel ch = channel();
        ch.freezeTime();
        ch.writeInbound(ascii("GET /api/a HTTP/1.1\r\nHost: x\r\n"));
        assertThat(written(ch)).isEmpty();
        ch.advanceTimeBy(3, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
        assertThat(written(ch)).startsWith("HTTP/1.1 408 Request Timeout\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void rejectsRequestTargetsThatAreNotPaths() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(ascii("GET http://evil.test/api HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(written(ch)).startsWith("HTTP/1.1 400 Bad Request\r\n");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
