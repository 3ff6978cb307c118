package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.proxy.HostPort;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code /metrics} endpoint of {@code strangler cdc run --metrics-listen}, over a real socket. */
class MetricsEndpointTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void servesPrometheusTextAndNothingElse() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("strangler.cdc.applied").tag("slot", "strangler_fwd").register(registry).increment(3);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(new HostPort("127.0.0.1", 0), registry)) {
            HttpResponse<String> r = get(endpoint.port(), "/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(r.body()).contains("strangler_cdc_applied_total{slot=\"strangler_fwd\"} 3.0");
            assertThat(get(endpoint.port(), "/").statusCode()).isEqualTo(404);

            assertThatThrownBy(() -> MetricsEndpoint.start(new HostPort("127.0.0.1", endpoint.port()), registry))
                    .isInstanceOf(CliException.class).hasMessageContaining("cannot listen for metrics on");
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
