package dev.strangler.proxy.internal;

import dev.strangler.proxy.guard.GuardWindow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * The proxy's meters. Tags are route id, backend name and status class only (bounded by config),
 * never paths or keys. Meters are looked up once per (route, backend) pair and cached, so the hot
 * path does two map reads and no allocation.
 */
public final class ProxyMetrics {

    /** Route/backend tag used when no route matched or no backend was chosen. */
    static final String NONE = "none";
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final MeterRegistry registry;
    private final BiFunction<String, String, GuardWindow> guards;
    private final ConcurrentMap<String, ConcurrentMap<String, RouteMeters>> meters = new ConcurrentHashMap<>();
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final AtomicInteger openWebSockets = new AtomicInteger();
    private final Counter bytesIn;
    private final Counter bytesOut;

    public ProxyMetrics(MeterRegistry registry) {
        this(registry, (route, backend) -> null);
    }

    /**
     * @param guards the guard window of a (route, backend) pair, or null when the pair is not guarded;
     *               asked once per pair, when its meters are created
     */
    public ProxyMetrics(MeterRegistry registry, BiFunction<String, String, GuardWindow> guards) {
        this.registry = registry;
        this.guards = guards;
        Gauge.builder("strangler.proxy.connections.active", activeConnections, AtomicInteger::get)
                .description("Open client connections").register(registry);
        Gauge.builder("strangler.proxy.websockets.open", openWebSockets, AtomicInteger::get)
                .description("Open WebSocket sessions relayed").register(registry);
        bytesIn = Counter.builder("strangler.proxy.bytes").baseUnit("bytes").tag("direction", "in")
                .description("Body bytes from clients to backends").register(registry);
        bytesOut = Counter.builder("strangler.proxy.bytes").baseUnit("bytes").tag("direction", "out")
                .description("Body bytes from backends to clients").register(registry);
    }

    RouteMeters meters(String route, String backend) {
        ConcurrentMap<String, RouteMeters> byBackend = meters.get(route);
        if (byBackend == null) {
            byBackend = meters.computeIfAbsent(route, k -> new ConcurrentHashMap<>());
        }
        RouteMeters m = byBackend.get(backend);
        return m != null ? m : byBackend.computeIfAbsent(backend,
                b -> new RouteMeters(registry, route, b, guards.apply(route, b)));
    }

    /** The registry the meters live in (backend and endpoint meters join it). */
    public MeterRegistry registry() {
        return registry;
    }

    void connectionOpened() {
        activeConnections.incrementAndGet();
    }

    void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    void webSocketOpened() {
        openWebSockets.incrementAndGet();
    }

    void webSocketClosed() {
        openWebSockets.decrementAndGet();
    }

    void bytesIn(long n) {
        bytesIn.increment(n);
    }

    void bytesOut(long n) {
        bytesOut.increment(n);
    }

    /** Open client connections now. */
    public int activeConnections() {
        return activeConnections.get();
    }

    /** Request counters and latency timer of one route/backend pair. */
    static final class RouteMeters {
        private final Counter[] byStatusClass = new Counter[STATUS_CLASSES.length];
        private final Timer latency;
        private final GuardWindow guard;

        RouteMeters(MeterRegistry registry, String route, String backend, GuardWindow guard) {
            this.guard = guard;
            for (int i = 0; i < STATUS_CLASSES.length; i++) {
                byStatusClass[i] = Counter.builder("strangler.proxy.requests")
                        .description("Requests answered, by route, backend and status class")
                        .tags("route", route, "backend", backend, "status", STATUS_CLASSES[i])
                        .register(registry);
            }
            latency = Timer.builder("strangler.proxy.latency")
                    .description("Time from request headers to last response byte written")
                    .tags("route", route, "backend", backend)
                    // Histogram buckets, not client-side percentiles: p50/p99/p999 come from
                    // histogram_quantile() and aggregate across proxies; recording stays cheap.
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(50_000)) // finer buckets add cost, not insight
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry);
        }

        void record(int status, long nanos) {
            int cls = status / 100 - 1;
            byStatusClass[cls < 0 || cls > 4 ? 4 : cls].increment();
            latency.record(nanos, TimeUnit.NANOSECONDS);
            if (guard != null) {
                guard.record(status, nanos); // only the targets of guarded routes pay for this
            }
        }
    }
}
