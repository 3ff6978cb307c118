package dev.strangler.proxy.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.proxy.BackendConfig;
import dev.strangler.proxy.HostPort;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackendGroupTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicReference<InetAddress[]> dns = new AtomicReference<>();
    private Backends backends;

    @AfterEach
    void close() {
        if (backends != null) {
            backends.close();
        }
    }

    private BackendGroup group(BackendConfig c) {
        backends = new Backends(List.of(c), registry, CircuitBreakerRegistry.ofDefaults(), BulkheadRegistry.ofDefaults(),
                name -> {
                    InetAddress[] a = dns.get();
                    if (a == null) {
                        throw new UnknownHostException(name);
                    }
                    return a;
                }, now::get);
        return backends.get(c.name());
    }

    private static BackendConfig three(Balance b, OutlierConfig o) {
        return new BackendConfig("svc", new HostPort("127.0.0.1", 1))
                .withEndpoints(List.of(new HostPort("127.0.0.1", 1), new HostPort("127.0.0.1", 2), new HostPort("127.0.0.1", 3)))
                .withBalance(b).withOutlier(o);
    }

    private static final OutlierConfig OUTLIER = new OutlierConfig(2, Duration.ofSeconds(10), Duration.ofSeconds(35));

    @Test
    void leastOutstandingPrefersTheLessBusyOfTwoAndNeverTheBusiestOfThree() {
        BackendGroup g = group(three(Balance.LEAST_OUTSTANDING, OUTLIER));
        Endpoint busy = g.endpoints().get(0);
        for (int i = 0; i < 10; i++) {
            busy.acquire();
        }
        g.endpoints().get(1).acquire();
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            picks.merge(g.pick(null).key(), 1, Integer::sum);
        }
        // Power of two choices over three: the busiest loses every pair it is in.
        assertThat(picks).doesNotContainKey(busy.key());
        assertThat(picks.get("127.0.0.1:3")).isGreaterThan(picks.get("127.0.0.1:2"));
    }

    @Test
    void roundRobinTakesEachAvailableEndpointInTurn() {
        BackendGroup g = group(three(Balance.ROUND_ROBIN, OUTLIER));
        assertThat(List.of(g.pick(null).key(), g.pick(null).key(), g.pick(null).key(), g.pick(null).key()))
                .containsExactly("127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", "127.0.0.1:1");
        assertThat(g.pick(g.endpoints().get(1)).key()).isNotEqualTo("127.0.0.1:2");
    }

    @Test
    void consecutiveFailuresEjectForAGrowingIntervalCappedAtTheMaximum() {
        BackendGroup g = group(three(Balance.ROUND_ROBIN, OUTLIER));
        Endpoint e = g.endpoints().get(0);
        long[] expected = {10, 20, 35, 35};
        for (long seconds : expected) {
            g.record(e, Endpoint.Outcome.CONNECT_FAILURE, 0);
            assertThat(e.state(now.get())).isEqualTo(Endpoint.State.HEALTHY);
            g.record(e, Endpoint.Outcome.SERVER_ERROR, 0);
            assertThat(e.state(now.get())).isEqualTo(Endpoint.State.EJECTED);
            for (int i = 0; i < 30; i++) {
                assertThat(g.pick(null)).isNotSameAs(e);
            }
            now.addAndGet(Duration.ofSeconds(seconds).toNanos() - 1);
            assertThat(e.state(now.get())).as("still ejected just before %ss", seconds).isEqualTo(Endpoint.State.EJECTED);
            now.addAndGet(1);
            assertThat(e.state(now.get())).isEqualTo(Endpoint.State.HEALTHY);
        }
        assertThat(e.ejections()).isEqualTo(4);
        assertThat(registry.get("strangler.proxy.endpoint.ejections").tag("endpoint", e.key()).counter().count()).isEqualTo(4);
        // Quiet for longer than maxEjection: the next ejection starts from the base again.
        now.addAndGet(Duration.ofSeconds(36).toNanos());
        g.record(e, Endpoint.Outcome.RESET, 0);
        g.record(e, Endpoint.Outcome.RESET, 0);
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(e.state(now.get())).isEqualTo(Endpoint.State.HEALTHY);
    }

    @Test
    void successResetsTheStreakAndTimeoutsDoNotEject() {
        BackendGroup g = group(three(Balance.ROUND_ROBIN, OUTLIER));
        Endpoint e = g.endpoints().get(0);
        g.record(e, Endpoint.Outcome.SERVER_ERROR, 0);
        g.record(e, Endpoint.Outcome.SUCCESS, 0);
        g.record(e, Endpoint.Outcome.SERVER_ERROR, 0);
        g.record(e, Endpoint.Outcome.TIMEOUT, 0);
        g.record(e, Endpoint.Outcome.TIMEOUT, 0);
        assertThat(e.state(now.get())).isEqualTo(Endpoint.State.HEALTHY);
    }

    @Test
    void theLastAvailableEndpointIsNeverEjectedAndPanicModeStillOffersOne() {
        BackendGroup g = group(three(Balance.ROUND_ROBIN, OUTLIER));
        List<Endpoint> eps = g.endpoints();
        for (Endpoint e : eps) {
            for (int i = 0; i < 5; i++) {
                g.record(e, Endpoint.Outcome.CONNECT_FAILURE, 0);
            }
        }
        assertThat(eps.stream().filter(e -> e.state(now.get()) == Endpoint.State.EJECTED)).hasSize(2);
        Endpoint last = eps.stream().filter(e -> e.state(now.get()) == Endpoint.State.HEALTHY).findFirst().orElseThrow();
        assertThat(g.pick(null)).isSameAs(last);
        last.drain();
        assertThat(g.pick(null)).as("panic mode: ejected endpoints are better than none").isNotNull().isNotSameAs(last);
    }

    @Test
    void drainingEndpointsGetNothingNewAndReplacingTheListKeepsTheStateOfThoseKept() {
        BackendGroup g = group(three(Balance.ROUND_ROBIN, OUTLIER));
        Endpoint first = g.endpoints().get(0);
        Endpoint second = g.endpoints().get(1);
        second.acquire();
        assertThat(g.drain(new HostPort("127.0.0.1", 1))).isTrue();
        assertThat(g.drain(new HostPort("127.0.0.1", 9))).isFalse();
        for (int i = 0; i < 20; i++) {
            assertThat(g.pick(null)).isNotSameAs(first);
        }
        g.setEndpoints(List.of(new HostPort("127.0.0.1", 2), new HostPort("127.0.0.1", 4)));
        assertThat(g.endpoints()).extracting(Endpoint::key).containsExactly("127.0.0.1:2", "127.0.0.1:4");
        assertThat(g.endpoints().get(0)).isSameAs(second);
        assertThat(second.outstanding()).isEqualTo(1);
        assertThat(first.removed()).isTrue();
        assertThat(registry.find("strangler.proxy.endpoint.requests").tag("endpoint", "127.0.0.1:1").counters()).isEmpty();
    }

    @Test
    void dnsBackendFollowsTheNameAndKeepsItsEndpointsWhenTheNameStopsResolving() throws Exception {
        dns.set(new InetAddress[] {InetAddress.getByAddress("svc", new byte[] {10, 0, 0, 2}),
                InetAddress.getByAddress("svc", new byte[] {10, 0, 0, 1})});
        BackendGroup g = group(new BackendConfig("svc", new HostPort("127.0.0.1", 1))
                .withDns(new DnsConfig("svc.internal", 8082, Duration.ofMinutes(10))));
        assertThat(g.endpoints()).extracting(Endpoint::key).containsExactly("10.0.0.1:8082", "10.0.0.2:8082");
        Endpoint kept = g.endpoints().get(1);
        dns.set(new InetAddress[] {InetAddress.getByAddress(new byte[] {10, 0, 0, 2}),
                InetAddress.getByAddress(new byte[] {10, 0, 0, 3})});
        backends.refreshDns(g);
        assertThat(g.endpoints()).extracting(Endpoint::key).containsExactly("10.0.0.2:8082", "10.0.0.3:8082");
        assertThat(g.endpoints().get(0)).isSameAs(kept);
        dns.set(null);
        backends.refreshDns(g);
        assertThat(g.endpoints()).extracting(Endpoint::key).containsExactly("10.0.0.2:8082", "10.0.0.3:8082");
    }
}
