package dev.strangler.proxy.internal;

import dev.strangler.proxy.BackendConfig;
import dev.strangler.proxy.LimitsConfig;
import dev.strangler.proxy.backend.BackendGroup;
import dev.strangler.proxy.backend.Backends;
import dev.strangler.proxy.mirror.Mirror;
import dev.strangler.proxy.routing.RouteTable;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every connection handler of one proxy instance shares: the current route table, backends
 * and their pool, limits, metrics, open WebSockets and the in-flight count used for draining.
 * Immutable apart from the thread-safe holders it contains.
 */
public final class ProxyContext {

    final AtomicReference<RouteTable> routes;
    final LimitsConfig limits;
    final ProxyMetrics metrics;
    final WebSocketSessions webSockets;
    final BackendPool pool;
    final Backends backends;
    final LongAdder inFlight = new LongAdder();
    final ConnectionDrainer drainer = new ConnectionDrainer();
    final Mirror mirror;

    /** A context whose backends are built here from {@code backendConfigs} (tests). */
    public ProxyContext(AtomicReference<RouteTable> routes, List<BackendConfig> backendConfigs, LimitsConfig limits,
                        ProxyMetrics metrics, WebSocketSessions webSockets, Class<? extends Channel> channelClass) {
        this(routes, new Backends(backendConfigs, metrics.registry()), limits, metrics, webSockets, channelClass);
    }

    public ProxyContext(AtomicReference<RouteTable> routes, Backends backends, LimitsConfig limits,
                        ProxyMetrics metrics, WebSocketSessions webSockets, Class<? extends Channel> channelClass) {
        this(routes, backends, limits, metrics, webSockets, channelClass, Mirror.disabled());
    }

    /** With shadow mirroring ({@code mirror} decides per request; {@link Mirror#disabled()} for none). */
    public ProxyContext(AtomicReference<RouteTable> routes, Backends backends, LimitsConfig limits,
                        ProxyMetrics metrics, WebSocketSessions webSockets, Class<? extends Channel> channelClass,
                        Mirror mirror) {
        this.mirror = mirror;
        this.routes = routes;
        this.limits = limits;
        this.metrics = metrics;
        this.webSockets = webSockets;
        this.backends = backends;
        Bootstrap template = new Bootstrap()
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
        this.pool = new BackendPool(template, limits.maxIdlePerBackend(), limits.backendTimeout().toNanos());
    }

    BackendGroup backend(String name) {
        return backends.get(name);
    }

    /** Open client connections, for a graceful stop. */
    public ConnectionDrainer drainer() {
        return drainer;
    }

    /** Open WebSocket sessions. */
    public WebSocketSessions webSockets() {
        return webSockets;
    }

    /** Connect timeout of {@code g}: its own, else {@code limits.backendConnectTimeout}. */
    int connectTimeoutMillis(BackendGroup g) {
        var t = g.resilience().connectTimeout();
        return (int) Math.min(Integer.MAX_VALUE, (t != null ? t : limits.backendConnectTimeout()).toMillis());
    }

    /** Requests currently between headers received and response complete. */
    public long inFlight() {
        return inFlight.sum();
    }
}
