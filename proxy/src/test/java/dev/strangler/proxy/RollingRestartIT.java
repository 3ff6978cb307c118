package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.epoll.Epoll;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blue-green on one host: proxy B binds the port proxy A listens on (SO_REUSEPORT), A drains, and
 * clients with keep-alive connections under steady load never see a failed request.
 */
class RollingRestartIT {

    @TempDir
    Path state;
    TestBackend legacy;
    TestBackend target;
    ProxyServer blue;
    ProxyServer green;

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {blue, green, legacy, target}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private ProxyServer start(int port, MeterRegistry registry, String dir) {
        ProxyConfig config = Fixture.config(state.resolve(dir), legacy.port(), target.port(), 5_000)
                .listen(new HostPort("127.0.0.1", port))
                .reusePort(true)
                .drainDelay(Duration.ofMillis(500))
                .grace(Duration.ofSeconds(10))
                .build();
        return ProxyServer.start(config, registry, Clock.systemUTC());
    }

    private static double answered(MeterRegistry r) {
        return r.find("strangler.proxy.requests").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void blueGreenOnOnePortUnderLoadLosesNoRequest() throws Exception {
        assumeTrue(Epoll.isAvailable(), "SO_REUSEPORT needs native epoll");
        legacy = TestBackend.start("monolith");
        target = TestBackend.start("appointments");
        SimpleMeterRegistry blueMeters = new SimpleMeterRegistry();
        SimpleMeterRegistry greenMeters = new SimpleMeterRegistry();
        blue = start(0, blueMeters, "blue");
        int port = blue.port();

        try (LoadRunner load = new LoadRunner(6, "/api/appointments/1", () -> port)) {
            Await.await(Duration.ofSeconds(30), () -> answered(blueMeters) >= 300);
            green = start(port, greenMeters, "green"); // same port: the kernel shares it
            long beforeSwap = load.total();

            blue.drainAndClose(); // /readyz 503, 500 ms, listener closed, Connection: close, grace

            assertThat(blue.openConnections()).isZero();
            Await.await(Duration.ofSeconds(30), () -> answered(greenMeters) >= 300);
            load.close();
            assertThat(load.failures).as("failed requests during the swap").isEmpty();
            assertThat(load.failed.get()).isZero();
            assertThat(load.total()).isGreaterThan(beforeSwap);
        }
        assertThat(answered(blueMeters)).isGreaterThanOrEqualTo(300);
        assertThat(answered(greenMeters)).isGreaterThanOrEqualTo(300);
    }
}
