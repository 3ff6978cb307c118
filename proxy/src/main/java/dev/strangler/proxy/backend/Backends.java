package dev.strangler.proxy.backend;

import dev.strangler.proxy.BackendConfig;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every backend of a proxy at run time, by name, plus the one scheduler thread that runs health
 * checks and DNS refreshes, and the fallback counters. Built once at start; endpoint lists change
 * through {@link BackendGroup#setEndpoints}, {@link BackendGroup#drain} or DNS.
 */
public final class Backends implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    /** Resolves a DNS name to all its addresses (tests pass their own). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String name) throws UnknownHostException;
    }

    private final Map<String, BackendGroup> groups = new LinkedHashMap<>();
    private final MeterRegistry registry;
    private final ScheduledExecutorService scheduler;
    private final ConcurrentMap<String, Counter[]> fallbacks = new ConcurrentHashMap<>();
    private final Resolver resolver;
    private final Map<String, Boolean> dnsFailing = new ConcurrentHashMap<>();

    /** Backends with the system resolver, the monotonic clock and fresh resilience4j registries. */
    public Backends(Collection<BackendConfig> configs, MeterRegistry registry) {
        this(configs, registry, CircuitBreakerRegistry.ofDefaults(), BulkheadRegistry.ofDefaults(),
                InetAddress::getAllByName, System::nanoTime);
    }

    public Backends(Collection<BackendConfig> configs, MeterRegistry registry, CircuitBreakerRegistry circuitBreakers,
                    BulkheadRegistry bulkheads, Resolver resolver, LongSupplier nanoTime) {
        this.registry = registry;
        this.resolver = resolver;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strangler-backends");
            t.setDaemon(true);
            return t;
        });
        HealthChecker checker = new HealthChecker(scheduler);
        for (BackendConfig c : configs) {
            ResilienceConfig rc = c.resilience();
            CircuitBreaker cb = circuitBreakers.circuitBreaker(c.name(), CircuitBreakerConfig.custom()
                    .failureRateThreshold(rc.failureRateThreshold())
                    .slidingWindow(rc.slidingWindow(), rc.minimumCalls(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .waitDurationInOpenState(rc.openFor())
                    .permittedNumberOfCallsInHalfOpenState(rc.halfOpenCalls())
                    .writableStackTraceEnabled(false)
                    .build());
            if (!rc.circuitBreakerEnabled()) {
                cb.transitionToDisabledState(); // permits every call, records nothing
            }
            Bulkhead bh = bulkheads.bulkhead(c.name(), BulkheadConfig.custom()
                    .maxConcurrentCalls(rc.maxConcurrent())
                    .maxWaitDuration(Duration.ZERO) // never block: an I/O thread asks
                    .writableStackTraceEnabled(false)
                    .build());
            BackendGroup g = new BackendGroup(c, cb, bh, registry, nanoTime);
            groups.put(c.name(), g);
            // No event consumer on purpose: with one registered, resilience4j allocates an event (with a
            // ZonedDateTime) for every call; BackendGroup logs state changes by comparing states instead.
            Gauge.builder("strangler.proxy.circuit.state", cb, b -> switch (b.getState()) {
                        case CLOSED -> 0;
                        case OPEN, FORCED_OPEN -> 1;
                        case HALF_OPEN -> 2;
                        default -> 3;
                    }).description("Circuit breaker state: 0 closed, 1 open, 2 half-open, 3 disabled")
                    .tag("backend", c.name()).register(registry);
            Gauge.builder("strangler.proxy.bulkhead.in_use", bh,
                            b -> b.getBulkheadConfig().getMaxConcurrentCalls() - b.getMetrics().getAvailableConcurrentCalls())
                    .description("Requests in flight counted by the bulkhead").tag("backend", c.name()).register(registry);
            if (c.dns() != null) {
                refreshDns(g); // first resolution at start, so traffic can flow at once
                long every = c.dns().refresh().toMillis();
                scheduler.scheduleWithFixedDelay(() -> refreshDns(g), every, every, TimeUnit.MILLISECONDS);
            }
            if (c.healthCheck() != null) {
                checker.schedule(g, scheduler);
            }
        }
    }

    /** The backend called {@code name}, or null. */
    public BackendGroup get(String name) {
        return groups.get(name);
    }

    /**
     * Applies committed endpoint changes (state file or control plane) by backend name; a change
     * already in force is skipped. Never throws: a name this proxy's config lacks, a DNS backend or
     * an unresolvable host is logged and that backend keeps what it has. Blocking (resolves names).
     */
    public void applyOverrides(Map<String, EndpointOverride> overrides) {
        overrides.forEach((name, o) -> {
            BackendGroup g = groups.get(name);
            if (g == null) {
                LOG.warn("endpoint change for backend {} ignored: this proxy's config has no such backend", name);
            } else if (g.config().dns() != null) {
                LOG.warn("endpoint change for backend {} ignored: it discovers its endpoints from DNS", name);
            } else {
                try {
                    if (g.apply(o)) {
                        LOG.info("backend {}: endpoints {} (draining {}), version {}", name, o.keys(), o.draining(),
                                o.version());
                    }
                } catch (RuntimeException e) {
                    LOG.warn("backend {}: endpoint change version {} not applied ({}); keeping {}", name, o.version(),
                            e.getMessage(), Endpoint.keys(g.endpoints()));
                }
            }
        });
    }

    /** All backends in declared order. */
    public Collection<BackendGroup> all() {
        return groups.values();
    }

    /** Counts one replay of a request of {@code route}. */
    public void fallback(String route, FallbackReason reason) {
        Counter[] byReason = fallbacks.get(route);
        if (byReason == null) {
            byReason = fallbacks.computeIfAbsent(route, r -> {
                Counter[] a = new Counter[FallbackReason.values().length];
                for (FallbackReason fr : FallbackReason.values()) {
                    a[fr.ordinal()] = Counter.builder("strangler.proxy.fallbacks")
                            .description("Requests replayed after the backend failed (legacy fallback or fresh connection)")
                            .tags("route", r, "reason", fr.tag()).register(registry);
                }
                return a;
            });
        }
        byReason[reason.ordinal()].increment();
    }

    /** Re-resolves a DNS backend now (the scheduler does this every {@code refresh}). */
    public void refreshDns(BackendGroup g) {
        DnsConfig dns = g.config().dns();
        try {
            InetAddress[] found = resolver.resolve(dns.name());
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (InetAddress a : found) {
                // Strip the host name: the endpoint is the address; its key must be "ip:port".
                addresses.add(new InetSocketAddress(InetAddress.getByAddress(a.getAddress()), dns.port()));
            }
            addresses.sort(Comparator.comparing(a -> a.getAddress().getHostAddress()));
            g.setAddresses(addresses);
            if (dnsFailing.remove(g.name()) != null) {
                LOG.info("backend {}: DNS name {} resolves again", g.name(), dns.name());
            }
        } catch (UnknownHostException | RuntimeException e) {
            if (dnsFailing.put(g.name(), Boolean.TRUE) == null) {
                LOG.warn("backend {}: cannot resolve {} ({}); keeping the {} endpoints it had", g.name(), dns.name(),
                        e.getMessage(), g.endpoints().size());
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
