package dev.strangler.proxy;

import static dev.strangler.proxy.Fixture.get;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.StringReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metrics.statsd}: a real UDP socket receives DogStatsD lines for requests through a live proxy. */
class StatsdExportIT {

    @TempDir
    Path dir;
    TestBackend legacy;
    TestBackend target;
    ProxyServer proxy;
    DatagramSocket agent;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (legacy != null) {
            legacy.close();
            target.close();
        }
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void proxyRequestsArriveAsDogStatsdLinesWithRouteTagsAndNoRequestData() throws Exception {
        agent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        agent.setSoTimeout(1_000);
        legacy = TestBackend.start("monolith");
        target = TestBackend.start("appointments");
        String yaml = """
                listen: 127.0.0.1:0
                threads: 1
                admin: { listen: 127.0.0.1:0 }
                backends:
                  monolith: http://127.0.0.1:%d
                  appointments: http://127.0.0.1:%d
                routes:
                  - id: appointments
                    match: { pathPrefix: /api/appointments }
                    legacy: monolith
                    target: appointments
                    weightBps: 10000
                    sticky: { header: X-Patient-Id }
                metrics:
                  statsd: { enabled: true, host: 127.0.0.1, port: %d, flavor: datadog, prefix: strangler, step: 1s }
                """.formatted(legacy.port(), target.port(), agent.getLocalPort());
        ProxyConfig config = ProxyConfigLoader.parse(new StringReader(yaml), "statsd.yaml", dir, n -> null);
        // Prometheus stays on next to StatsD: /metrics must still answer.
        proxy = ProxyServer.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            assertThat(get(proxy.port(), "/api/appointments/patient-4711-secret", "X-Patient-Id", "p-4711-secret")
                    .statusCode()).isEqualTo(200);
        }

        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + 60_000_000_000L;
        byte[] buf = new byte[65_536];
        while (System.nanoTime() < deadline && lines.stream().noneMatch(StatsdExportIT::isRequestCounter)) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                agent.receive(p);
            } catch (SocketTimeoutException e) {
                continue; // poll until the deadline: lines come on increments and every step
            }
            lines.addAll(List.of(new String(p.getData(), 0, p.getLength(), UTF_8).split("\n")));
        }
        assertThat(lines).anyMatch(StatsdExportIT::isRequestCounter);
        assertThat(lines).filteredOn(l -> l.startsWith("strangler.proxy.latency:")).isNotEmpty()
                .allMatch(l -> l.matches("strangler\\.proxy\\.latency:[0-9.]+\\|ms\\|#.*route:appointments.*"));
        assertThat(lines).noneMatch(l -> l.contains("4711") || l.contains("secret") || l.contains("/api/"));
        assertThat(lines).noneMatch(l -> l.startsWith("strangler.strangler."));
        assertThat(get(proxy.adminPort(), "/metrics").body()).contains("strangler_proxy_requests_total");
    }

    private static boolean isRequestCounter(String line) {
        return line.matches("strangler\\.proxy\\.requests:[0-9.]+\\|c\\|#.*")
                && line.contains("route:appointments") && line.contains("backend:appointments")
                && line.contains("status:2xx");
    }

    @Test
    void badStatsdKeysAreReportedWithFileLineAndKey() {
        String yaml = """
                backends: { monolith: http://127.0.0.1:1 }
                routes:
                  - { id: r, match: { pathPrefix: / }, legacy: monolith }
                metrics:
                  statsd:
                    enabled: yes-please
                    port: 99999
                    flavor: graphite
                    step: 0s
                    hots: 127.0.0.1
                """;
        ProxyConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ProxyConfigException.class,
                () -> ProxyConfigLoader.parse(new StringReader(yaml), "bad.yaml", dir, n -> null));
        List<String> errors = e.errors().stream().map(Object::toString).toList();
        assertThat(errors).anyMatch(s -> s.startsWith("bad.yaml:6") && s.contains("metrics.statsd.enabled"));
        assertThat(errors).anyMatch(s -> s.startsWith("bad.yaml:7") && s.contains("metrics.statsd.port"));
        assertThat(errors).anyMatch(s -> s.startsWith("bad.yaml:8") && s.contains("metrics.statsd.flavor"));
        assertThat(errors).anyMatch(s -> s.startsWith("bad.yaml:9") && s.contains("metrics.statsd.step"));
        assertThat(errors).anyMatch(s -> s.startsWith("bad.yaml:10") && s.contains("hots"));
    }
}
