package dev.strangler.proxy;

import dev.strangler.proxy.YamlTree.ListNode;
import dev.strangler.proxy.YamlTree.MapNode;
import dev.strangler.proxy.YamlTree.Node;
import dev.strangler.proxy.backend.Balance;
import dev.strangler.proxy.backend.DnsConfig;
import dev.strangler.proxy.backend.HealthCheckConfig;
import dev.strangler.proxy.backend.OutlierConfig;
import dev.strangler.proxy.backend.ResilienceConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads one {@code backends.NAME} entry: the short form {@code http://host:port}, or the long form
 * with {@code endpoints} or {@code dns}, {@code balance}, {@code healthCheck}, {@code outlier} and
 * {@code resilience}. Problems go to the {@link ConfigReader} with their key path and line.
 */
final class BackendConfigReader {

    private static final Set<String> BACKEND = Set.of("endpoints", "dns", "balance", "healthCheck", "outlier",
            "resilience");
    private static final Set<String> DNS = Set.of("name", "port", "refresh");
    private static final Set<String> HEALTH = Set.of("path", "interval", "timeout", "healthyThreshold",
            "unhealthyThreshold");
    private static final Set<String> OUTLIER = Set.of("consecutiveFailures", "baseEjection", "maxEjection");
    private static final Set<String> RESILIENCE = Set.of("circuitBreaker", "maxConcurrent", "timeouts", "replayBuffer",
            "fallbackWrites");
    private static final Set<String> CIRCUIT = Set.of("failureRateThreshold", "slidingWindow", "minimumCalls", "openFor",
            "halfOpenCalls", "enabled");
    private static final Set<String> TIMEOUTS = Set.of("connect", "firstByte", "total");

    private BackendConfigReader() {
    }

    /** The backend, or null (with errors recorded) when the entry is invalid. */
    static BackendConfig read(ConfigReader r, String name, Node node) {
        String at = "backends." + name;
        if (!(node instanceof MapNode m)) {
            String url = r.string(node, at);
            HostPort hp = url == null ? null : url(r, url, node.line(), at);
            return hp == null ? null : new BackendConfig(name, hp);
        }
        int before = r.errors().size();
        r.checkKeys(m, at, BACKEND);
        List<HostPort> endpoints = new ArrayList<>();
        ListNode list = r.list(m.entries().get("endpoints"), at + ".endpoints");
        if (list != null) {
            for (int i = 0; i < list.items().size(); i++) {
                Node item = list.items().get(i);
                String url = r.string(item, at + ".endpoints[" + i + "]");
                HostPort hp = url == null ? null : url(r, url, item.line(), at + ".endpoints[" + i + "]");
                if (hp != null) {
                    endpoints.add(hp);
                }
            }
        }
        DnsConfig dns = dns(r, r.map(m.entries().get("dns"), at + ".dns"), at + ".dns");
        boolean hasList = m.entries().containsKey("endpoints");
        boolean hasDns = m.entries().containsKey("dns");
        if (hasList == hasDns) {
            r.error(m.line(), at, hasList ? "both endpoints and dns (expected: one of them)"
                    : "needs endpoints: [http://host:port, ...] or dns: {name: ..., port: ...}");
        } else if (hasList && list != null && list.items().isEmpty()) {
            r.error(list.line(), at + ".endpoints", "empty (expected: at least one http://host:port)");
        }
        Balance balance = Balance.LEAST_OUTSTANDING;
        String b = r.string(m, "balance", at, false);
        if (b != null) {
            balance = Balance.parse(b);
            if (balance == null) {
                r.error(r.line(m, "balance"), at + ".balance", "'" + b + "' (expected: least-outstanding or round-robin)");
            }
        }
        HealthCheckConfig hc = health(r, r.map(m.entries().get("healthCheck"), at + ".healthCheck"), at + ".healthCheck");
        OutlierConfig outlier = outlier(r, r.map(m.entries().get("outlier"), at + ".outlier"), at + ".outlier");
        ResilienceConfig res = resilience(r, r.map(m.entries().get("resilience"), at + ".resilience"), at + ".resilience");
        if (r.errors().size() > before) {
            return null;
        }
        try {
            return new BackendConfig(name, endpoints, dns, balance, hc, outlier, res);
        } catch (IllegalArgumentException e) {
            r.error(m.line(), at, e.getMessage());
            return null;
        }
    }

    private static HostPort url(ConfigReader r, String url, int line, String at) {
        try {
            java.net.URI uri = java.net.URI.create(url.trim());
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0
                    || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
                throw new IllegalArgumentException("bad");
            }
            return new HostPort(uri.getHost(), uri.getPort());
        } catch (IllegalArgumentException ex) {
            r.error(line, at, "'" + url + "' (expected: http://host:port, e.g. http://127.0.0.1:8081)");
            return null;
        }
    }

    private static DnsConfig dns(ConfigReader r, MapNode m, String at) {
        if (m == null) {
            return null;
        }
        r.checkKeys(m, at, DNS);
        String name = r.string(m, "name", at, true);
        Long port = r.integer(m, "port", at, -1, 1, 65_535);
        if (port != null && port == -1) {
            r.error(m.line(), at + ".port", "missing (required: 1..65535)");
            return null;
        }
        Duration refresh = r.duration(m, "refresh", at, Duration.ofSeconds(10));
        return name == null || port == null ? null : new DnsConfig(name.trim(), port.intValue(), refresh);
    }

    private static HealthCheckConfig health(ConfigReader r, MapNode m, String at) {
        if (m == null) {
            return null;
        }
        r.checkKeys(m, at, HEALTH);
        HealthCheckConfig d = HealthCheckConfig.DEFAULTS;
        String path = r.string(m, "path", at, false);
        if (path != null && !path.startsWith("/")) {
            r.error(r.line(m, "path"), at + ".path", "'" + path + "' (expected: starts with /)");
            return null;
        }
        Long healthy = r.integer(m, "healthyThreshold", at, d.healthyThreshold(), 1, 100);
        Long unhealthy = r.integer(m, "unhealthyThreshold", at, d.unhealthyThreshold(), 1, 100);
        Duration interval = r.duration(m, "interval", at, d.interval());
        Duration timeout = r.duration(m, "timeout", at, d.timeout());
        if (healthy == null || unhealthy == null) {
            return null;
        }
        return new HealthCheckConfig(path == null ? d.path() : path, interval, timeout, healthy.intValue(),
                unhealthy.intValue());
    }

    private static OutlierConfig outlier(ConfigReader r, MapNode m, String at) {
        OutlierConfig d = OutlierConfig.DEFAULTS;
        if (m == null) {
            return d;
        }
        r.checkKeys(m, at, OUTLIER);
        Long n = r.integer(m, "consecutiveFailures", at, d.consecutiveFailures(), 1, 1000);
        Duration base = r.duration(m, "baseEjection", at, d.baseEjection());
        Duration max = r.duration(m, "maxEjection", at, d.maxEjection());
        if (n == null) {
            return d;
        }
        if (max.compareTo(base) < 0) {
            r.error(r.line(m, "maxEjection"), at + ".maxEjection", max.toMillis() + "ms is less than baseEjection "
                    + base.toMillis() + "ms (expected: maxEjection >= baseEjection)");
            return d;
        }
        return new OutlierConfig(n.intValue(), base, max);
    }

    private static ResilienceConfig resilience(ConfigReader r, MapNode m, String at) {
        ResilienceConfig d = ResilienceConfig.DEFAULTS;
        if (m == null) {
            return d;
        }
        r.checkKeys(m, at, RESILIENCE);
        ResilienceConfig out = d;
        MapNode cb = r.map(m.entries().get("circuitBreaker"), at + ".circuitBreaker");
        if (cb != null) {
            String c = at + ".circuitBreaker";
            r.checkKeys(cb, c, CIRCUIT);
            Long rate = r.integer(cb, "failureRateThreshold", c, d.failureRateThreshold(), 1, 100);
            Long window = r.integer(cb, "slidingWindow", c, d.slidingWindow(), 1, 100_000);
            Long min = r.integer(cb, "minimumCalls", c, d.minimumCalls(), 1, 100_000);
            Long half = r.integer(cb, "halfOpenCalls", c, d.halfOpenCalls(), 1, 10_000);
            Duration open = r.duration(cb, "openFor", c, d.openFor());
            boolean enabled = true;
            String en = r.string(cb, "enabled", c, false);
            if (en != null && !en.trim().equals("true")) {
                if (en.trim().equals("false")) {
                    enabled = false;
                } else {
                    r.error(r.line(cb, "enabled"), c + ".enabled", "'" + en + "' (expected: true or false)");
                }
            }
            if (rate != null && window != null && min != null && half != null) {
                out = new ResilienceConfig(rate.intValue(), window.intValue(), min.intValue(), open, half.intValue(),
                        d.maxConcurrent(), null, null, null, d.replayBufferBytes(), enabled);
            }
        }
        Long max = r.integer(m, "maxConcurrent", at, d.maxConcurrent(), 1, 1_000_000);
        if (max != null) {
            out = out.withMaxConcurrent(max.intValue());
        }
        MapNode t = r.map(m.entries().get("timeouts"), at + ".timeouts");
        if (t != null) {
            String tt = at + ".timeouts";
            r.checkKeys(t, tt, TIMEOUTS);
            out = out.withTimeouts(r.duration(t, "connect", tt, null), r.duration(t, "firstByte", tt, null),
                    r.duration(t, "total", tt, null));
        }
        long replay = m.entries().containsKey("replayBuffer")
                ? r.sizeOrZero(m, "replayBuffer", at, d.replayBufferBytes()) : d.replayBufferBytes();
        boolean fallbackWrites = true;
        String fw = r.string(m, "fallbackWrites", at, false);
        if (fw != null && !fw.trim().equals("true")) {
            if (fw.trim().equals("false")) {
                fallbackWrites = false;
            } else {
                r.error(r.line(m, "fallbackWrites"), at + ".fallbackWrites", "'" + fw + "' (expected: true or false)");
            }
        }
        return new ResilienceConfig(out.failureRateThreshold(), out.slidingWindow(), out.minimumCalls(), out.openFor(),
                out.halfOpenCalls(), out.maxConcurrent(), out.connectTimeout(), out.firstByteTimeout(),
                out.totalTimeout(), replay, out.circuitBreakerEnabled(), fallbackWrites);
    }
}
