package dev.strangler.cli.ramp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Window figures from two scrapes of a real micrometer Prometheus registry, meters as the proxy declares them. */
class ProxyFiguresTest {

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Timer latency = Timer.builder("strangler.proxy.latency").tags("route", "appointments", "backend", "new")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
            .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);

    void answer(String status, long millis) {
        registry.counter("strangler.proxy.requests", "route", "appointments", "backend", "new", "status", status).increment();
        latency.record(millis, TimeUnit.MILLISECONDS);
    }

    ProxyFigures scrape() {
        return ProxyFigures.of(PromText.parse(registry.scrape()), "appointments", "new");
    }

    @Test
    void windowCountsOnlyRequestsBetweenTheScrapes() {
        for (int i = 0; i < 50; i++) {
            answer("5xx", 900); // before the window: must not count
        }
        ProxyFigures before = scrape();
        for (int i = 0; i < 98; i++) {
            answer("2xx", 10);
        }
        answer("5xx", 10);
        answer("4xx", 400);

        ProxyFigures w = scrape().minus(before);

        assertThat(w.requests()).isEqualTo(100);
        assertThat(w.errors()).isEqualTo(1);
        assertThat(w.errorRatio()).isEqualTo(0.01);
        // p99 lies in the bucket holding the 10 ms answers (the 99th of 100 values); the 400 ms one is the 100th.
        assertThat(w.quantile(0.99)).isBetween(0.008, 0.0115);
        assertThat(w.quantile(1.0)).isBetween(0.35, 0.45);
    }

    @Test
    void noRequestsMeansNoFiguresAndACounterResetCountsFromZero() {
        ProxyFigures empty = ProxyFigures.of(PromText.parse(registry.scrape()), "other", "new");
        assertThat(empty.requests()).isZero();
        assertThat(empty.errorRatio()).isNaN();
        assertThat(empty.quantile(0.99)).isNaN();

        answer("2xx", 5);
        ProxyFigures restarted = scrape();
        ProxyFigures older = new ProxyFigures(40, 1, new java.util.TreeMap<>(java.util.Map.of(Double.POSITIVE_INFINITY, 40.0)));
        assertThat(restarted.minus(older).requests()).isEqualTo(1);
        assertThat(restarted.minus(older).quantile(0.5)).isCloseTo(0.005, within(0.002));
    }
}
