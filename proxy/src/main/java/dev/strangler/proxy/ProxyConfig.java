package dev.strangler.proxy;

import static java.util.Objects.requireNonNull;

import dev.strangler.proxy.guard.GuardConfig;
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
 * @param shutdown      drain delay and grace of a graceful stop
 * @param reusePort     bind the client listener with SO_REUSEPORT (epoll only), so a new version can
 *                      start on the same port before this one drains
 * @param guards        automatic-rollback guards by route id (routes without one are not measured)
 * @param controlPlane  shared PostgreSQL for weights and audit ({@link ControlPlaneConfig#OFF}: local files)
 * @param mirror        shadow mirroring and the diff store ({@link MirrorConfig#NONE}: off)
 * @param metrics       meter export besides Prometheus (StatsD/DogStatsD)
 */
public record ProxyConfig(HostPort listen, int threads, AdminConfig admin, Map<String, BackendConfig> backends,
                          List<Route> routes, LimitsConfig limits, StateConfig state, ShutdownConfig shutdown,
                          boolean reusePort, Map<String, GuardConfig> guards, ControlPlaneConfig controlPlane,
                          MirrorConfig mirror, MetricsConfig metrics) {

    public ProxyConfig {
        metrics = metrics == null ? MetricsConfig.DEFAULTS : metrics;
        requireNonNull(listen, "listen");
        requireNonNull(admin, "admin");
        requireNonNull(limits, "limits");
        requireNonNull(state, "state");
        requireNonNull(shutdown, "shutdown");
        requireNonNull(controlPlane, "controlPlane");
        mirror = mirror == null ? MirrorConfig.NONE : mirror;
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
        backends = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(backends));
        routes = List.copyOf(routes);
        guards = guards == null ? Map.of() : Map.copyOf(guards);
        for (Map.Entry<String, GuardConfig> g : guards.entrySet()) {
            Route r = routes.stream().filter(x -> x.id().equals(g.getKey())).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("guard for route '" + g.getKey() + "': no such route"));
            if (r.target() == null) {
                throw new IllegalArgumentException("route " + r.id() + ": a guard needs a target backend to watch");
            }
        }
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
        for (var shadow : mirror.routes()) {
            Route r = routes.stream().filter(x -> x.id().equals(shadow.route())).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("shadow: route " + shadow.route() + " is not declared"));
            if (r.target() == null) {
                throw new IllegalArgumentException("route " + r.id() + ": shadow needs a target backend (the side to compare with)");
            }
        }
    }

    /** The config shape before shutdown/reusePort/guards: drain delay 0, no SO_REUSEPORT, no guards. */
    public ProxyConfig(HostPort listen, int threads, AdminConfig admin, Map<String, BackendConfig> backends,
                       List<Route> routes, LimitsConfig limits, StateConfig state, Duration shutdownGrace) {
        this(listen, threads, admin, backends, routes, limits, state, new ShutdownConfig(Duration.ZERO, shutdownGrace),
                false, Map.of(), ControlPlaneConfig.OFF, MirrorConfig.NONE, MetricsConfig.DEFAULTS);
    }

    /** The config shape before the control plane: local files. */
    public ProxyConfig(HostPort listen, int threads, AdminConfig admin, Map<String, BackendConfig> backends,
                       List<Route> routes, LimitsConfig limits, StateConfig state, ShutdownConfig shutdown,
                       boolean reusePort, Map<String, GuardConfig> guards) {
        this(listen, threads, admin, backends, routes, limits, state, shutdown, reusePort, guards, ControlPlaneConfig.OFF,
                MirrorConfig.NONE, MetricsConfig.DEFAULTS);
    }

    /** The config shape before StatsD export: Prometheus only. */
    public ProxyConfig(HostPort listen, int threads, AdminConfig admin, Map<String, BackendConfig> backends,
                       List<Route> routes, LimitsConfig limits, StateConfig state, ShutdownConfig shutdown,
                       boolean reusePort, Map<String, GuardConfig> guards, ControlPlaneConfig controlPlane,
                       MirrorConfig mirror) {
        this(listen, threads, admin, backends, routes, limits, state, shutdown, reusePort, guards, controlPlane, mirror,
                MetricsConfig.DEFAULTS);
    }

    /** This config with another control plane (the CLI applies {@code --control-db} this way). */
    public ProxyConfig withControlPlane(ControlPlaneConfig v) {
        return new ProxyConfig(listen, threads, admin, backends, routes, limits, state, shutdown, reusePort, guards, v,
                mirror, metrics);
    }

    /** How long a graceful stop waits for in-flight requests: {@code shutdown().grace()}. */
    public Duration shutdownGrace() {
        return shutdown.grace();
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
                + ", guards=" + guards.keySet() + ", reusePort=" + reusePort + ", shutdown=" + shutdown
                + ", state=" + state.stateFile() + ", audit=" + state.auditLog()
                + ", controlPlane=" + controlPlane.maskedUrl() + ", mirror=" + mirror + ", metrics=" + metrics + "}";
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
        private Duration drainDelay = ShutdownConfig.DEFAULT_DRAIN_DELAY;
        private Duration grace = ShutdownConfig.DEFAULT_GRACE;
        private boolean reusePort;
        private final Map<String, GuardConfig> guards = new LinkedHashMap<>();
        private ControlPlaneConfig controlPlane = ControlPlaneConfig.OFF;
        private MirrorConfig mirror = MirrorConfig.NONE;
        private MetricsConfig metrics = MetricsConfig.DEFAULTS;

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

        /** Adds a backend with endpoint groups, health checks or resilience settings. */
        public Builder backend(BackendConfig b) {
            backends.put(b.name(), b);
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

        /** Same as {@link #grace(Duration)} (the old key's name). */
        public Builder shutdownGrace(Duration v) {
            return grace(v);
        }

        public Builder grace(Duration v) {
            grace = v;
            return this;
        }

        public Builder drainDelay(Duration v) {
            drainDelay = v;
            return this;
        }

        public Builder reusePort(boolean v) {
            reusePort = v;
            return this;
        }

        public Builder guard(String routeId, GuardConfig g) {
            guards.put(routeId, g);
            return this;
        }

        public Builder controlPlane(ControlPlaneConfig v) {
            controlPlane = v;
            return this;
        }

        /** Shadow mirroring and diff store; default {@link MirrorConfig#NONE}. */
        public Builder mirror(MirrorConfig v) {
            mirror = v;
            return this;
        }

        /** Meter export besides Prometheus; default {@link MetricsConfig#DEFAULTS} (none). */
        public Builder metrics(MetricsConfig v) {
            metrics = v;
            return this;
        }

        public ProxyConfig build() {
            return new ProxyConfig(listen, threads, new AdminConfig(adminListen, tokens), backends, routes,
                    limits, state, new ShutdownConfig(drainDelay, grace), reusePort, guards, controlPlane, mirror, metrics);
        }
    }
}
