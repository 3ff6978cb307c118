package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
        return start(port, registry, dir, true);
    }

    private ProxyServer start(int port, MeterRegistry registry, String dir, boolean reusePort) {
        ProxyConfig config = Fixture.config(state.resolve(dir), legacy.port(), target.port(), 5_000)
                .listen(new HostPort("127.0.0.1", port))
                .reusePort(reusePort)
                .drainDelay(Duration.ofMillis(500))
                .grace(Duration.ofSeconds(10))
                .build();
        return ProxyServer.start(config, registry, Clock.systemUTC());
    }

    private static double answered(MeterRegistry r) {
        return r.find("strangler.proxy.requests").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void reusePortOnNioRefusesToStartWithAClearError() throws Exception {
        legacy = TestBackend.start("monolith");
        target = TestBackend.start("appointments");
        ProxyConfig config = Fixture.config(state, legacy.port(), target.port(), 0).reusePort(true).build();

        assertThatThrownBy(() -> ProxyServer.start(config, new SimpleMeterRegistry(), Clock.systemUTC(), Transport.nio()))
                .isInstanceOf(ProxyException.class)
                .hasMessage("listen.reusePort: true needs the native epoll transport (Linux x86-64); this platform "
                        + "runs NIO (set listen.reusePort: false, or run on Linux)");
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

    /**
     * Two proxies behind a tiny load balancer (it polls each proxy's /readyz every 20 ms and opens new
     * connections only to ready ones, round robin). Each proxy in turn is drained and restarted on its
     * port while the load runs: no request fails.
     */
    @Test
    void rollingRestartOfTwoProxiesBehindALoadBalancerLosesNoRequest() throws Exception {
        legacy = TestBackend.start("monolith");
        target = TestBackend.start("appointments");
        ProxyServer[] proxies = {start(0, new SimpleMeterRegistry(), "a0", false), start(0, new SimpleMeterRegistry(), "b0", false)};
        int[] ports = {proxies[0].port(), proxies[1].port()};
        int[] admins = {proxies[0].adminPort(), proxies[1].adminPort()};
        TinyLoadBalancer lb = new TinyLoadBalancer(ports, admins);
        try (lb; LoadRunner load = new LoadRunner(6, "/api/appointments/1", lb::pick)) {
            Await.await(Duration.ofSeconds(30), () -> load.ok.get() >= 300);
            SimpleMeterRegistry[] restarted = new SimpleMeterRegistry[2];
            for (int i = 0; i < 2; i++) {
                proxies[i].drainAndClose(); // its clients move to the other proxy
                assertThat(proxies[i].openConnections()).isZero();
                restarted[i] = new SimpleMeterRegistry();
                proxies[i] = start(ports[i], restarted[i], (i == 0 ? "a" : "b") + "1", false);
                lb.admin(i, proxies[i].adminPort());
                int restartedIndex = i;
                // 30 s like the other waits here: under a loaded suite its first health round can be slow
                Await.await(Duration.ofSeconds(30), () -> lb.ready(restartedIndex));
                long before = load.total();
                Await.await(Duration.ofSeconds(30), () -> load.total() > before + 300);
            }
            load.close();
            assertThat(answered(restarted[0])).as("the restarted first proxy took over when the second drained")
                    .isGreaterThan(0);
            assertThat(load.failures).as("failed requests during the rolling restart").isEmpty();
            assertThat(load.failed.get()).isZero();
        } finally {
            for (ProxyServer p : proxies) {
                p.close();
            }
        }
    }

    /** Picks a ready proxy for each new connection; polls /readyz of every proxy. */
    static final class TinyLoadBalancer implements AutoCloseable {
        final int[] ports;
        final int[] admins;
        private final boolean[] ready;
        private final Thread poller;
        private volatile boolean running = true;
        private int next;

        TinyLoadBalancer(int[] ports, int[] admins) {
            this.ports = ports;
            this.admins = admins;
            this.ready = new boolean[ports.length];
            java.util.Arrays.fill(ready, true);
            poller = new Thread(this::poll, "tiny-lb-health");
            poller.setDaemon(true);
            poller.start();
        }

        private void poll() {
            while (running) {
                for (int i = 0; i < admins.length; i++) {
                    boolean ok;
                    try {
                        ok = Fixture.get(admin(i), "/readyz").statusCode() == 200;
                    } catch (Exception e) {
                        ok = false; // stopped or not yet started
                    }
                    synchronized (this) {
                        ready[i] = ok;
                    }
                }
                try {
                    Thread.sleep(20); // health-check period of this load balancer
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** The admin port to poll for proxy {@code i} (set by the test thread when it restarts one). */
        synchronized void admin(int i, int port) {
            admins[i] = port;
        }

        synchronized int admin(int i) {
            return admins[i];
        }

        synchronized boolean ready(int i) {
            return ready[i];
        }

        synchronized int pick() {
            for (int k = 0; k < ports.length; k++) {
                int i = next++ % ports.length;
                if (ready[i]) {
                    return ports[i];
                }
            }
            throw new IllegalStateException("no proxy is ready");
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            poller.join(5_000);
        }
    }
}
