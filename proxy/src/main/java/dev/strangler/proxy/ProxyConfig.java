package dev.strangler.proxy;

import static java.util.Objects.requireNonNull;

import dev.strangler.proxy.routing.Route;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the proxy needs to run, usually read from YAML by {@link ProxyConfigLoader}; tests and
 * the demo build it with {@link #builder()}. Immutable; {@link #toString()} masks admin secrets.
 *
 * @param listen        where clients connect (port 0: any free port)
 * @param threads       I/O event-loop threads shared by client and backend connections
 * @param admin         admin API address and tokens
 * @param backends      upstreams by name, in declared order
 * @param routes        routes in match order
 * @param limits        protective limits and timeouts
 * @param state         persisted weights and audit log
 * @param shutdownGrace how long a graceful stop waits for in-flight requests
 * @param metrics       meter export besides Prometheus (StatsD/DogStatsD)
 */
public record ProxyConfig(HostPort listen, int threads, AdminConfig admin, Map<String, BackendConfig> backends,
                          List<Route> routes, LimitsConfig limits, StateConfig state, Duration shutdownGrace,
                          MetricsConfig metrics) {

    /** Prometheus metrics only. */
    public ProxyConfig(HostPort listen, int threads, AdminConfig admin, Map<String, BackendConfig> backends,
                       List<Route> routes, LimitsConfig limits, StateConfig state, Duration shutdownGrace) {
        this(listen, threads, admin, backends, routes, limits, state, shutdownGrace, MetricsConfig.DEFAULTS);
    }

    public ProxyConfig {
        metrics = metrics == null ? MetricsConfig.DEFAULTS : metrics;
        requireNonNull(listen, "listen");
        requireNonNull(admin, "admin");
        requireNonNull(limits, "limits");
        requireNonNull(state, "state");
        requireNonNull(shutdownGrace, "shutdownGrace");
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
        backends = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(backends));
        routes = List.copyOf(routes);
        Set<String> ids = new HashSet<>();
        for (Route r : routes) {
            if (!ids.add(r.id())) {
                throw new IllegalArgumentException("routes: duplicate id " + r.id());
            }
            requireBackend(backends, r.id(), "legacy", r.legacy());
            if (r.target() != null) {
                requireBackend(backends, r.id(), "target", r.target());
            }
        }
    }

    private static void requireBackend(Map<String, BackendConfig> backends, String route, String key, String name) {
        if (!backends.containsKey(name)) {
            throw new IllegalArgumentException("route " + route + ": " + key + " backend '" + name
                    + "' is not declared (known: " + String.join(", ", backends.keySet()) + ")");
        }
    }

    /** Default number of I/O threads: one per available processor. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** A builder with defaults: listen 127.0.0.1:8080, admin 127.0.0.1:9901, default limits. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return "ProxyConfig{listen=" + listen + ", threads=" + threads + ", admin=" + admin.listen()
                + ", tokens=" + admin.tokens().values() + ", backends=" + backends.values()
                + ", routes=" + routes.stream().map(r -> r.id() + "(" + r.legacy()
                        + (r.target() == null ? "" : "/" + r.target() + " " + r.weightBps() + "bps") + ")").toList()
                + ", state=" + state.stateFile() + ", audit=" + state.auditLog() + "}";
    }

    /** Builds a {@link ProxyConfig}; every setter returns {@code this}. */
    public static final class Builder {
        private HostPort listen = new HostPort("127.0.0.1", 8080);
        private int threads = defaultThreads();
        private HostPort adminListen = AdminConfig.DEFAULT_LISTEN;
        private final Map<String, AdminToken> tokens = new LinkedHashMap<>();
        private final Map<String, BackendConfig> backends = new LinkedHashMap<>();
        private final List<Route> routes = new ArrayList<>();
        private LimitsConfig limits = LimitsConfig.DEFAULTS;
        private StateConfig state = StateConfig.in(Path.of("strangler-state"));
        private Duration shutdownGrace = Duration.ofSeconds(10);

        private Builder() {
        }

        public Builder listen(HostPort v) {
            listen = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder adminListen(HostPort v) {
            adminListen = v;
            return this;
        }

        public Builder token(AdminToken t) {
            tokens.put(t.name(), t);
            return this;
        }

        public Builder backend(String name, HostPort address) {
            backends.put(name, new BackendConfig(name, address));
            return this;
        }

        public Builder route(Route r) {
            routes.add(r);
            return this;
        }

        public Builder limits(LimitsConfig v) {
            limits = v;
            return this;
        }

        public Builder state(StateConfig v) {
            state = v;
            return this;
        }

        public Builder shutdownGrace(Duration v) {
            shutdownGrace = v;
            return this;
        }

        public ProxyConfig build() {
            return new ProxyConfig(listen, threads, new AdminConfig(adminListen, tokens), backends, routes,
                    limits, state, shutdownGrace);
        }
    }
}
