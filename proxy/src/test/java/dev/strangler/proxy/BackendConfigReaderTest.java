package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.strangler.proxy.backend.Balance;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The long form of {@code backends.NAME}: endpoint groups, DNS, health checks, outlier, resilience. */
class BackendConfigReaderTest {

    private static final String ROUTES = """
            routes:
              - id: a
                match: { pathPrefix: / }
                legacy: monolith
                target: svc
            """;

    private static ProxyConfig parse(String backends) {
        return ProxyConfigLoader.parse(new StringReader(backends + ROUTES), "strangler.yaml", Path.of("/tmp"), k -> null);
    }

    private static List<String> errors(String backends) {
        ProxyConfigException e = catchThrowableOfType(ProxyConfigException.class, () -> parse(backends));
        assertThat(e).as("expected config errors").isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void readsEveryKeyOfTheLongForm() {
        ProxyConfig c = parse("""
                backends:
                  monolith: http://127.0.0.1:8081
                  svc:
                    endpoints: [http://10.0.0.1:8082, http://10.0.0.2:8082]
                    balance: round-robin
                    healthCheck: {path: /health, interval: 2s, timeout: 300ms, healthyThreshold: 1, unhealthyThreshold: 4}
                    outlier: {consecutiveFailures: 7, baseEjection: 5s, maxEjection: 1m}
                    resilience:
                      circuitBreaker: {failureRateThreshold: 30, slidingWindow: 50, minimumCalls: 20, openFor: 15s, halfOpenCalls: 3}
                      maxConcurrent: 64
                      timeouts: {connect: 500ms, firstByte: 3s, total: 20s}
                      replayBuffer: 8KiB
                """);
        BackendConfig svc = c.backends().get("svc");
        assertThat(svc.endpoints()).containsExactly(new HostPort("10.0.0.1", 8082), new HostPort("10.0.0.2", 8082));
        assertThat(svc.balance()).isEqualTo(Balance.ROUND_ROBIN);
        assertThat(svc.healthCheck().path()).isEqualTo("/health");
        assertThat(svc.healthCheck().interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(svc.healthCheck().timeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(svc.healthCheck().healthyThreshold()).isEqualTo(1);
        assertThat(svc.healthCheck().unhealthyThreshold()).isEqualTo(4);
        assertThat(svc.outlier().consecutiveFailures()).isEqualTo(7);
        assertThat(svc.outlier().maxEjection()).isEqualTo(Duration.ofMinutes(1));
        var r = svc.resilience();
        assertThat(List.of(r.failureRateThreshold(), r.slidingWindow(), r.minimumCalls(), r.halfOpenCalls(), r.maxConcurrent()))
                .containsExactly(30, 50, 20, 3, 64);
        assertThat(r.openFor()).isEqualTo(Duration.ofSeconds(15));
        assertThat(r.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(r.firstByteTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(r.totalTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(r.replayBufferBytes()).isEqualTo(8192);
        BackendConfig monolith = c.backends().get("monolith");
        assertThat(monolith.endpoints()).containsExactly(new HostPort("127.0.0.1", 8081));
        assertThat(monolith.balance()).isEqualTo(Balance.LEAST_OUTSTANDING);
        assertThat(monolith.healthCheck()).isNull();
        assertThat(monolith.resilience().maxConcurrent()).isEqualTo(512);
    }

    @Test
    void readsDnsDiscovery() {
        BackendConfig svc = parse("""
                backends:
                  monolith: http://127.0.0.1:8081
                  svc:
                    dns: {name: appointments.internal, port: 8082, refresh: 5s}
                """).backends().get("svc");
        assertThat(svc.endpoints()).isEmpty();
        assertThat(svc.dns().name()).isEqualTo("appointments.internal");
        assertThat(svc.dns().port()).isEqualTo(8082);
        assertThat(svc.dns().refresh()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void reportsEveryBadKeyWithLineAndPath() {
        assertThat(errors("""
                backends:
                  monolith: http://127.0.0.1:8081
                  svc:
                    endpoints: [http://a:1, ftp://b]
                    balance: random
                    healthCheck: {path: health, intervall: 1s}
                    resilience:
                      circuitBreaker: {failureRateThreshold: 150}
                      timeouts: {firstByte: soon}
                """)).contains(
                "strangler.yaml:4: backends.svc.endpoints[1]: 'ftp://b' (expected: http://host:port, e.g. http://127.0.0.1:8081)",
                "strangler.yaml:5: backends.svc.balance: 'random' (expected: least-outstanding or round-robin)",
                "strangler.yaml:6: backends.svc.healthCheck.intervall: unknown key (did you mean 'interval'? expected one of: "
                        + "healthyThreshold, interval, path, timeout, unhealthyThreshold)",
                "strangler.yaml:6: backends.svc.healthCheck.path: 'health' (expected: starts with /)",
                "strangler.yaml:8: backends.svc.resilience.circuitBreaker.failureRateThreshold: 150 (expected: 1..100)",
                "strangler.yaml:9: backends.svc.resilience.timeouts.firstByte: 'soon' (expected: a positive duration such as 500ms, 10s, 2m, 1h)");
    }

    @Test
    void theCircuitBreakerCanBeTurnedOffAndThenNeverOpens() {
        BackendConfig monolith = parse("""
                backends:
                  monolith:
                    endpoints: [http://127.0.0.1:8081]
                    resilience: {circuitBreaker: {enabled: false}}
                  svc: http://127.0.0.1:8082
                """).backends().get("monolith");
        assertThat(monolith.resilience().circuitBreakerEnabled()).isFalse();
        try (var backends = new dev.strangler.proxy.backend.Backends(java.util.List.of(monolith),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            var cb = backends.get("monolith").circuitBreaker();
            for (int i = 0; i < 50; i++) {
                assertThat(cb.tryAcquirePermission()).isTrue();
                cb.onError(1, java.util.concurrent.TimeUnit.MILLISECONDS, new RuntimeException("5xx"));
            }
            assertThat(backends.get("monolith").circuitState()).isEqualTo("disabled");
        }
        assertThat(errors("backends:\n  monolith: {endpoints: [http://a:1], resilience: {circuitBreaker: {enabled: maybe}}}\n  svc: http://b:1\n"))
                .contains("strangler.yaml:2: backends.monolith.resilience.circuitBreaker.enabled: 'maybe' (expected: true or false)");
    }

    @Test
    void writesFallBackByDefaultAndNotWhenTheTargetOwnsThem() {
        var backends = parse("""
                backends:
                  monolith: http://127.0.0.1:8081
                  svc:
                    endpoints: [http://127.0.0.1:8082]
                    resilience: {fallbackWrites: false}
                """).backends();
        assertThat(backends.get("monolith").resilience().fallbackWrites()).isTrue();
        assertThat(backends.get("svc").resilience().fallbackWrites()).isFalse();
        assertThat(backends.get("svc").resilience().maxConcurrent()).isEqualTo(512);
        assertThat(errors("backends:\n  monolith: http://a:1\n  svc: {endpoints: [http://b:1], resilience: {fallbackWrites: no}}\n"))
                .contains("strangler.yaml:3: backends.svc.resilience.fallbackWrites: 'no' (expected: true or false)");
    }

    @Test
    void needsExactlyOneOfEndpointsAndDns() {
        assertThat(errors("backends:\n  monolith: http://127.0.0.1:8081\n  svc: {balance: round-robin}\n"))
                .contains("strangler.yaml:3: backends.svc: needs endpoints: [http://host:port, ...] or dns: {name: ..., port: ...}");
        assertThat(errors("backends:\n  monolith: http://127.0.0.1:8081\n  svc: {endpoints: [http://a:1], dns: {name: x, port: 1}}\n"))
                .contains("strangler.yaml:3: backends.svc: both endpoints and dns (expected: one of them)");
        assertThat(errors("backends:\n  monolith: http://127.0.0.1:8081\n  svc: {dns: {name: x}}\n"))
                .contains("strangler.yaml:3: backends.svc.dns.port: missing (required: 1..65535)");
    }
}
