package dev.strangler.proxy.internal;

import dev.strangler.proxy.BackendConfig;
import dev.strangler.proxy.LimitsConfig;
import dev.strangler.proxy.mirror.Mirror;
import dev.strangler.proxy.routing.RouteTable;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    final LongAdder inFlight = new LongAdder();
    final Mirror mirror;
    private final Map<String, BackendRef> backends = new HashMap<>();

    public ProxyContext(AtomicReference<RouteTable> routes, List<BackendConfig> backendConfigs, LimitsConfig limits,
                        ProxyMetrics metrics, WebSocketSessions webSockets, Class<? extends Channel> channelClass) {
        this(routes, backendConfigs, limits, metrics, webSockets, channelClass, Mirror.disabled());
    }

    /** With shadow mirroring ({@code mirror} decides per request; {@link Mirror#disabled()} for none). */
    public ProxyContext(AtomicReference<RouteTable> routes, List<BackendConfig> backendConfigs, LimitsConfig limits,
                        ProxyMetrics metrics, WebSocketSessions webSockets, Class<? extends Channel> channelClass,
                        Mirror mirror) {
        this.mirror = mirror;
        this.routes = routes;
        this.limits = limits;
        this.metrics = metrics;
        this.webSockets = webSockets;
        InetSocketAddress[] addresses = new InetSocketAddress[backendConfigs.size()];
        for (int i = 0; i < addresses.length; i++) {
            BackendConfig b = backendConfigs.get(i);
            // Resolved once here, at start, so no request ever waits on DNS.
            addresses[i] = new InetSocketAddress(b.address().host(), b.address().port());
            backends.put(b.name(), new BackendRef(b.name(), i));
        }
        Bootstrap template = new Bootstrap()
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) limits.backendConnectTimeout().toMillis());
        this.pool = new BackendPool(template, addresses, limits.maxIdlePerBackend(),
                limits.backendTimeout().toNanos());
    }

    BackendRef backend(String name) {
        return backends.get(name);
    }

    /** Requests currently between headers received and response complete. */
    public long inFlight() {
        return inFlight.sum();
    }
}
