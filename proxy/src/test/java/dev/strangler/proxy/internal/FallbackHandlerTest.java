package dev.strangler.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.proxy.BackendConfig;
import dev.strangler.proxy.HostPort;
import dev.strangler.proxy.LimitsConfig;
import dev.strangler.proxy.backend.Backends;
import dev.strangler.proxy.backend.ResilienceConfig;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Refusals decided before any connection (circuit open, bulkhead full) on an EmbeddedChannel:
 * the target refuses, the request falls back to the legacy backend, which refuses too, so the
 * client gets the proxy's 503 and both refusals are visible in the metrics.
 */
class FallbackHandlerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LimitsConfig limits = new LimitsConfig(1024, 2048, 100, Duration.ofSeconds(2), Duration.ofSeconds(60),
            Duration.ofSeconds(1), Duration.ofSeconds(5), 4);
    private Backends backends;

    @AfterEach
    void close() {
        backends.close();
    }

    private EmbeddedChannel channel() {
        RouteTable table = new RouteTable(1, List.of(
                new Route("api", RouteMatch.prefix("/api"), "monolith", "svc", 10_000, null, null)));
        backends = new Backends(List.of(
                new BackendConfig("monolith", new HostPort("127.0.0.1", 1)).withResilience(ResilienceConfig.DEFAULTS.withMaxConcurrent(1)),
                new BackendConfig("svc", new HostPort("127.0.0.1", 2))), registry);
        ProxyContext px = new ProxyContext(new AtomicReference<>(table), backends, limits, new ProxyMetrics(registry),
                new WebSocketSessions(), NioSocketChannel.class);
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

    private double fallbacks(String reason) {
        return registry.get("strangler.proxy.fallbacks").tags("route", "api", "reason", reason).counter().count();
    }

    @Test
    void openCircuitsOnBothSidesGive503WithoutTouchingAnyBackend() {
        EmbeddedChannel ch = channel();
        backends.get("svc").circuitBreaker().transitionToForcedOpenState();
        backends.get("monolith").circuitBreaker().transitionToForcedOpenState();
        ch.writeInbound(Unpooled.copiedBuffer("POST /api/a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
                StandardCharsets.ISO_8859_1));
        String out = written(ch);
        assertThat(out).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("\"error\":\"circuit_open\"")
                .contains("backend 'monolith'");
        assertThat(fallbacks("circuit_open")).isEqualTo(1);
        assertThat(registry.get("strangler.proxy.requests").tags("route", "api", "backend", "monolith", "status", "5xx")
                .counter().count()).isEqualTo(1);
        assertThat(backends.get("monolith").bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void fullBulkheadOnTheLegacySideGives503AndReleasesNothingItDidNotTake() {
        EmbeddedChannel ch = channel();
        backends.get("svc").circuitBreaker().transitionToForcedOpenState();
        assertThat(backends.get("monolith").bulkhead().tryAcquirePermission()).isTrue(); // the only permit
        ch.writeInbound(Unpooled.copiedBuffer("GET /api/a HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.ISO_8859_1));
        assertThat(written(ch)).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("\"error\":\"bulkhead_full\"");
        assertThat(backends.get("monolith").bulkhead().getMetrics().getAvailableConcurrentCalls()).isZero();
        assertThat(backends.get("svc").endpoints().get(0).outstanding()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
