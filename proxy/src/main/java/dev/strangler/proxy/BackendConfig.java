package dev.strangler.proxy;

import static java.util.Objects.requireNonNull;

import dev.strangler.proxy.backend.Balance;
import dev.strangler.proxy.backend.DnsConfig;
import dev.strangler.proxy.backend.HealthCheckConfig;
import dev.strangler.proxy.backend.OutlierConfig;
import dev.strangler.proxy.backend.ResilienceConfig;
import java.util.List;

/**
 * A named upstream reached over plain HTTP/1.1: a group of endpoints, listed ({@code endpoints}) or
 * discovered from DNS ({@code dns}), with load balancing, health checks, outlier ejection and
 * resilience settings. The short config form {@code NAME: http://host:port} is one endpoint with
 * defaults.
 *
 * @param name        key under {@code backends:}
 * @param endpoints   static endpoints (empty when {@code dns} is set)
 * @param dns         DNS discovery, or null
 * @param balance     load-balancing policy
 * @param healthCheck active health check, or null for none
 * @param outlier     passive outlier ejection
 * @param resilience  circuit breaker, bulkhead, timeouts
 */
public record BackendConfig(String name, List<HostPort> endpoints, DnsConfig dns, Balance balance,
                            HealthCheckConfig healthCheck, OutlierConfig outlier, ResilienceConfig resilience) {

    public BackendConfig {
        requireNonNull(name, "name");
        requireNonNull(balance, "balance");
        requireNonNull(outlier, "outlier");
        requireNonNull(resilience, "resilience");
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        if (dns == null && endpoints.isEmpty()) {
            throw new IllegalArgumentException("backend " + name + ": no endpoints (expected: endpoints or dns)");
        }
        if (dns != null && !endpoints.isEmpty()) {
            throw new IllegalArgumentException("backend " + name + ": both endpoints and dns (expected: one of them)");
        }
        for (HostPort e : endpoints) {
            if (e.port() == 0) {
                throw new IllegalArgumentException("backend " + name + ": port 0 (expected: 1..65535)");
            }
        }
    }

    /** One endpoint, default balancing, outlier and resilience settings, no health check. */
    public BackendConfig(String name, HostPort address) {
        this(name, List.of(requireNonNull(address, "address")), null, Balance.LEAST_OUTSTANDING, null,
                OutlierConfig.DEFAULTS, ResilienceConfig.DEFAULTS);
    }

    /** The first static endpoint (the only one in the short form), or null with DNS discovery. */
    public HostPort address() {
        return endpoints.isEmpty() ? null : endpoints.get(0);
    }

    /** A copy with other endpoints. */
    public BackendConfig withEndpoints(List<HostPort> list) {
        return new BackendConfig(name, list, null, balance, healthCheck, outlier, resilience);
    }

    /** A copy with another balancing policy. */
    public BackendConfig withBalance(Balance b) {
        return new BackendConfig(name, endpoints, dns, b, healthCheck, outlier, resilience);
    }

    /** A copy with an active health check. */
    public BackendConfig withHealthCheck(HealthCheckConfig h) {
        return new BackendConfig(name, endpoints, dns, balance, h, outlier, resilience);
    }

    /** A copy with other outlier settings. */
    public BackendConfig withOutlier(OutlierConfig o) {
        return new BackendConfig(name, endpoints, dns, balance, healthCheck, o, resilience);
    }

    /** A copy with other resilience settings. */
    public BackendConfig withResilience(ResilienceConfig r) {
        return new BackendConfig(name, endpoints, dns, balance, healthCheck, outlier, r);
    }

    /** A copy discovering endpoints from DNS. */
    public BackendConfig withDns(DnsConfig d) {
        return new BackendConfig(name, List.of(), d, balance, healthCheck, outlier, resilience);
    }

    @Override
    public String toString() {
        String where = dns != null ? "dns:" + dns.name() + ":" + dns.port()
                : endpoints.stream().map(e -> "http://" + e).toList().toString();
        return name + "=" + where;
    }
}
