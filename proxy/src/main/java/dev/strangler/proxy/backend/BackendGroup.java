package dev.strangler.proxy.backend;

import dev.strangler.proxy.BackendConfig;
import dev.strangler.proxy.HostPort;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend at run time: its endpoints (replaced as a whole, copy-on-write, so I/O threads read
 * them without locks), the balancer, and the resilience4j circuit breaker and bulkhead that guard
 * the backend as a whole. Outlier ejection and health are per endpoint.
 */
public final class BackendGroup {

    private static final Logger LOG = LoggerFactory.getLogger(BackendGroup.class);

    private final BackendConfig config;
    private final CircuitBreaker circuitBreaker;
    private final Bulkhead bulkhead;
    private final MeterRegistry registry;
    private final LongSupplier nanoTime;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private volatile List<Endpoint> endpoints = List.of();
    /** The run-time change applied last (version 0: the config's list); guarded by this. */
    private EndpointOverride override;
    private final java.util.concurrent.atomic.AtomicReference<CircuitBreaker.State> loggedState =
            new java.util.concurrent.atomic.AtomicReference<>(CircuitBreaker.State.CLOSED);

    BackendGroup(BackendConfig config, CircuitBreaker circuitBreaker, Bulkhead bulkhead, MeterRegistry registry,
                 LongSupplier nanoTime) {
        this.config = config;
        this.circuitBreaker = circuitBreaker;
        this.bulkhead = bulkhead;
        this.registry = registry;
        this.nanoTime = nanoTime;
        if (config.dns() == null) {
            override = EndpointOverride.configured(config.endpoints());
            setEndpoints(config.endpoints());
        }
    }

    public String name() {
        return config.name();
    }

    public BackendConfig config() {
        return config;
    }

    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    public Bulkhead bulkhead() {
        return bulkhead;
    }

    /** The endpoints now (removed ones are gone from this list; draining ones stay until replaced). */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** Resilience settings of this backend. */
    public ResilienceConfig resilience() {
        return config.resilience();
    }

    long now() {
        return nanoTime.getAsLong();
    }

    /**
     * Picks an endpoint for a new request, never {@code exclude}. Only available endpoints
     * (healthy, not ejected, not draining) are considered; when none is available, any endpoint
     * that is not draining is used ("panic mode": better to try than to refuse everything).
     * Returns null when the backend has no endpoint to offer.
     */
    public Endpoint pick(Endpoint exclude) {
        List<Endpoint> list = endpoints;
        long now = nanoTime.getAsLong();
        int n = 0;
        for (Endpoint e : list) {
            if (e != exclude && e.available(now)) {
                n++;
            }
        }
        boolean panic = n == 0;
        if (panic) {
            for (Endpoint e : list) {
                if (e != exclude && !e.draining()) {
                    n++;
                }
            }
            if (n == 0) {
                return null;
            }
        }
        if (n == 1) {
            return nth(list, exclude, now, panic, 0);
        }
        if (config.balance() == Balance.ROUND_ROBIN) {
            return nth(list, exclude, now, panic, Math.floorMod(roundRobin.getAndIncrement(), n));
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int i = rnd.nextInt(n);
        int j = rnd.nextInt(n - 1);
        if (j >= i) {
            j++;
        }
        Endpoint a = nth(list, exclude, now, panic, i);
        Endpoint b = nth(list, exclude, now, panic, j);
        return b.outstanding() < a.outstanding() ? b : a;
    }

    /** True when an endpoint other than {@code e} could take a request (draining ones cannot). */
    public boolean hasOther(Endpoint e) {
        for (Endpoint o : endpoints) {
            if (o != e && !o.draining()) {
                return true;
            }
        }
        return false;
    }

    private static Endpoint nth(List<Endpoint> list, Endpoint exclude, long now, boolean panic, int k) {
        for (Endpoint e : list) {
            if (e != exclude && (panic ? !e.draining() : e.available(now)) && k-- == 0) {
                return e;
            }
        }
        throw new IllegalStateException("endpoint list changed under pick"); // list is immutable: cannot happen
    }

    /**
     * Records how a request to {@code e} ended (outlier detection and per-endpoint metrics). An
     * endpoint is not ejected when it is the last available one.
     */
    public void record(Endpoint e, Endpoint.Outcome outcome, long latencyNanos) {
        long now = nanoTime.getAsLong();
        boolean mayEject = false;
        if (outcome.failure()) {
            for (Endpoint o : endpoints) {
                if (o != e && o.available(now)) {
                    mayEject = true;
                    break;
                }
            }
        }
        if (e.record(outcome, latencyNanos, now, config.outlier(), mayEject)) {
            LOG.warn("backend {}: endpoint {} ejected after {} consecutive failures ({} ejections so far)",
                    name(), e.key(), config.outlier().consecutiveFailures(), e.ejections());
        }
        logCircuitChange();
    }

    /** Logs a circuit state change once (a volatile read per call; a CAS only on a change). */
    public void logCircuitChange() {
        CircuitBreaker.State now = circuitBreaker.getState();
        CircuitBreaker.State was = loggedState.get();
        if (now != was && loggedState.compareAndSet(was, now)) {
            if (now == CircuitBreaker.State.CLOSED) {
                LOG.info("backend {}: circuit {} -> {}", name(), was, now);
            } else {
                LOG.warn("backend {}: circuit {} -> {} (failure rate {} %)", name(), was, now,
                        circuitBreaker.getMetrics().getFailureRate());
            }
        }
    }

    /** Replaces the endpoint list; endpoints kept keep their state, removed ones finish what they have. */
    public synchronized void setAddresses(List<InetSocketAddress> addresses) {
        setAddresses(addresses, java.util.Set.of());
    }

    /**
     * Replaces the endpoint list; endpoints kept keep their state, removed ones finish what they
     * have. Keys in {@code draining} are (or stay) draining; a draining endpoint not in it comes back
     * as a fresh endpoint.
     */
    private void setAddresses(List<InetSocketAddress> addresses, java.util.Set<String> draining) {
        Map<String, Endpoint> old = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            old.put(e.key(), e);
        }
        List<Endpoint> next = new ArrayList<>(addresses.size());
        for (InetSocketAddress a : addresses) {
            String key = a.getHostString() + ":" + a.getPort();
            Endpoint e = old.remove(key);
            // Keys of the override are HostPort strings, which bracket IPv6 literals.
            boolean drain = draining.contains(key) || draining.contains("[" + a.getHostString() + "]:" + a.getPort());
            if (e == null || (e.draining() && !drain)) {
                if (e != null) {
                    e.remove(); // re-added after a drain: a fresh endpoint, fresh state
                    e.unregisterMeters();
                }
                e = new Endpoint(name(), a, registry, nanoTime.getAsLong());
            }
            if (next.stream().noneMatch(x -> x.key().equals(key))) {
                if (drain && !e.draining()) {
                    e.drain();
                    LOG.info("backend {}: endpoint {} draining ({} in flight)", name(), e.key(), e.outstanding());
                }
                next.add(e);
            }
        }
        for (Endpoint gone : old.values()) {
            gone.remove();
            gone.unregisterMeters();
        }
        endpoints = List.copyOf(next);
        if (!old.isEmpty() || next.size() != addresses.size()) {
            LOG.info("backend {}: endpoints now {}", name(), Endpoint.keys(endpoints));
        }
    }

    /**
     * Static endpoints as host:port, resolved here (blocking DNS: call from a start or admin
     * thread, never an event loop) so no request ever waits on DNS.
     */
    public void setEndpoints(List<HostPort> list) {
        setAddresses(list.stream().map(h -> new InetSocketAddress(h.host(), h.port())).toList());
    }

    /** The run-time endpoint change in force (version 0: the config's list); null for a DNS backend. */
    public synchronized EndpointOverride override() {
        return override;
    }

    /**
     * Applies a run-time endpoint change (from this proxy's admin API, another proxy through the
     * control plane, or the state file at start) unless one at least as new is in force already, so
     * the same change arriving twice (own commit, then its notification) is applied once. Resolves
     * host names (blocking: never call from an event loop). Returns whether it applied.
     */
    public synchronized boolean apply(EndpointOverride o) {
        if (config.dns() != null) {
            throw new IllegalStateException("backend " + name() + " discovers its endpoints from DNS");
        }
        if (override != null && o.version() <= override.version() && o.version() != 0) {
            return false;
        }
        if (o.equals(override)) {
            return false;
        }
        setAddresses(o.endpoints().stream().map(h -> new InetSocketAddress(h.host(), h.port())).toList(), o.draining());
        override = o;
        return true;
    }

    /** Marks one endpoint draining: it finishes in-flight requests and gets no new ones. False if unknown. */
    public boolean drain(HostPort address) {
        for (Endpoint e : endpoints) {
            if (e.address().getPort() == address.port() && e.address().getHostString().equals(address.host())) {
                e.drain();
                LOG.info("backend {}: endpoint {} draining ({} in flight)", name(), e.key(), e.outstanding());
                return true;
            }
        }
        return false;
    }

    /** Human-readable circuit state: closed, open, half_open, … */
    public String circuitState() {
        return circuitBreaker.getState().name().toLowerCase(java.util.Locale.ROOT);
    }
}
