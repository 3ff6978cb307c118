package dev.strangler.proxy.backend;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One address of a backend. Its state is shared by every I/O thread (outstanding count, outlier
 * streak, health) and by the health checker, so every field is atomic or volatile; no lock is
 * taken on the request path.
 */
public final class Endpoint {

    /** What the balancer sees of an endpoint. */
    public enum State {
        HEALTHY, UNHEALTHY, EJECTED, DRAINING;

        /** Lower-case name as the admin API shows it. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How one request to this endpoint ended, for outlier detection and metrics. */
    public enum Outcome {
        SUCCESS, SERVER_ERROR, CONNECT_FAILURE, RESET, TIMEOUT;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean failure() {
            return this != SUCCESS;
        }
    }

    private final String backend;
    private final String key;
    private final InetSocketAddress address;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile boolean healthy = true;
    private volatile boolean draining;
    private volatile boolean removed;
    private volatile long ejectedUntilNanos;
    private volatile long lastEjectionEndNanos;
    private volatile int ejectionStreak;
    private final AtomicInteger ejections = new AtomicInteger();
    private int checkPasses;
    private int checkFailures;
    private final Counter[] requests = new Counter[Outcome.values().length];
    private final Timer latency;
    private final Counter ejectionCounter;
    private final MeterRegistry registry;

    Endpoint(String backend, InetSocketAddress address, MeterRegistry registry, long nowNanos) {
        this.backend = backend;
        this.address = address;
        this.key = address.getHostString() + ":" + address.getPort();
        this.registry = registry;
        this.ejectedUntilNanos = nowNanos; // not ejected (the clock is whatever the group's is)
        for (Outcome o : Outcome.values()) {
            requests[o.ordinal()] = Counter.builder("strangler.proxy.endpoint.requests")
                    .description("Requests to one endpoint of a backend, by outcome")
                    .tags("backend", backend, "endpoint", key, "outcome", o.tag()).register(registry);
        }
        latency = Timer.builder("strangler.proxy.endpoint.latency")
                .description("Dispatch to response head, per endpoint")
                .tags("backend", backend, "endpoint", key).register(registry);
        ejectionCounter = Counter.builder("strangler.proxy.endpoint.ejections")
                .description("Passive outlier ejections of an endpoint")
                .tags("backend", backend, "endpoint", key).register(registry);
    }

    /** {@code host:port}, as the admin API and the metric tag show it. */
    public String key() {
        return key;
    }

    /** Where to connect. */
    public InetSocketAddress address() {
        return address;
    }

    /** The backend this endpoint belongs to. */
    public String backend() {
        return backend;
    }

    /** Requests dispatched here and not finished yet. */
    public int outstanding() {
        return outstanding.get();
    }

    /** How often passive outlier detection ejected this endpoint. */
    public int ejections() {
        return ejections.get();
    }

    /** State now; draining wins over ejected, ejected over unhealthy. */
    public State state(long nowNanos) {
        if (draining) {
            return State.DRAINING;
        }
        if (ejectedUntilNanos - nowNanos > 0) {
            return State.EJECTED;
        }
        return healthy ? State.HEALTHY : State.UNHEALTHY;
    }

    boolean available(long nowNanos) {
        return !draining && healthy && ejectedUntilNanos - nowNanos <= 0;
    }

    boolean draining() {
        return draining;
    }

    /** True once the endpoint left its backend (admin API, DNS): pooled connections to it are closed. */
    public boolean removed() {
        return removed;
    }

    void drain() {
        draining = true;
    }

    void remove() {
        removed = true;
        draining = true;
    }

    void unregisterMeters() {
        for (Counter c : requests) {
            registry.remove((Meter) c);
        }
        registry.remove((Meter) latency);
        registry.remove((Meter) ejectionCounter);
    }

    /** A request was dispatched here. */
    public void acquire() {
        outstanding.incrementAndGet();
    }

    /** A dispatched request finished (any outcome). */
    public void release() {
        outstanding.decrementAndGet();
    }

    /**
     * Records how a request ended. Returns true when this failure ejects the endpoint, which
     * {@code mayEject} vetoes when it is the last available endpoint.
     */
    boolean record(Outcome outcome, long latencyNanos, long nowNanos, OutlierConfig outlier, boolean mayEject) {
        requests[outcome.ordinal()].increment();
        if (outcome == Outcome.SUCCESS || outcome == Outcome.SERVER_ERROR) {
            latency.record(latencyNanos, TimeUnit.NANOSECONDS);
        }
        if (!outcome.failure()) {
            consecutiveFailures.set(0);
            return false;
        }
        if (outcome == Outcome.TIMEOUT) {
            return false; // slow is not broken: the circuit breaker and the fallback handle timeouts
        }
        int n = consecutiveFailures.incrementAndGet();
        if (n < outlier.consecutiveFailures() || !mayEject || ejectedUntilNanos - nowNanos > 0) {
            return false;
        }
        synchronized (this) { // rare: once per ejection; several threads may get here at once
            if (ejectedUntilNanos - nowNanos > 0) {
                return false;
            }
            if (ejectionStreak > 0 && nowNanos - lastEjectionEndNanos > outlier.maxEjection().toNanos()) {
                ejectionStreak = 0; // well-behaved for a long time: start again from the base interval
            }
            long base = outlier.baseEjection().toNanos();
            long duration = Math.min(outlier.maxEjection().toNanos(), base << Math.min(ejectionStreak, 20));
            ejectionStreak++;
            ejectedUntilNanos = nowNanos + duration;
            lastEjectionEndNanos = nowNanos + duration;
            consecutiveFailures.set(0);
            ejections.incrementAndGet();
            ejectionCounter.increment();
            return true;
        }
    }

    /** Result of an active health check (health checker thread only). Returns true on a state change. */
    synchronized boolean checked(boolean pass, HealthCheckConfig hc) {
        if (pass) {
            checkFailures = 0;
            checkPasses++;
            if (!healthy && checkPasses >= hc.healthyThreshold()) {
                healthy = true;
                return true;
            }
        } else {
            checkPasses = 0;
            checkFailures++;
            if (healthy && checkFailures >= hc.unhealthyThreshold()) {
                healthy = false;
                return true;
            }
        }
        return false;
    }

    static List<String> keys(List<Endpoint> list) {
        return list.stream().map(Endpoint::key).toList();
    }

    @Override
    public String toString() {
        return backend + "@" + key;
    }
}
