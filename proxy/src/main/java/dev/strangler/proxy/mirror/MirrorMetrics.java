package dev.strangler.proxy.mirror;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Meters of the proxy side of mirroring. Tags: route id, outcome or reason — never anything from a
 * request. Per-route counters are created once at start.
 */
final class MirrorMetrics {

    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger queued = new AtomicInteger();

    MirrorMetrics(MeterRegistry registry) {
        Gauge.builder("strangler.proxy.mirror.inflight", inFlight, AtomicInteger::get)
                .description("Mirrored exchanges being sent to the shadow now").register(registry);
        Gauge.builder("strangler.proxy.mirror.queued", queued, AtomicInteger::get)
                .description("Mirrored exchanges waiting for a free slot").register(registry);
    }

    /** Counters of one route. */
    static final class RouteMeters {
        final Counter responded;
        final Counter timeout;
        final Counter error;
        final Counter queueFull;
        final Counter tooLarge;

        RouteMeters(MeterRegistry registry, String route) {
            responded = requests(registry, route, "responded");
            timeout = requests(registry, route, "timeout");
            error = requests(registry, route, "error");
            queueFull = drops(registry, route, "queue_full");
            tooLarge = drops(registry, route, "too_large");
        }

        private static Counter requests(MeterRegistry registry, String route, String outcome) {
            return Counter.builder("strangler.proxy.mirror.requests")
                    .description("Mirrored requests sent to the shadow, by what became of them")
                    .tags("route", route, "outcome", outcome).register(registry);
        }

        private static Counter drops(MeterRegistry registry, String route, String reason) {
            return Counter.builder("strangler.proxy.mirror.drops")
                    .description("Sampled requests not mirrored: queue full, or a body over mirror.maxBodyBytes")
                    .tags("route", route, "reason", reason).register(registry);
        }
    }
}
