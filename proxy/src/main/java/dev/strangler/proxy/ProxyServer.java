package dev.strangler.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.proxy.admin.AdminHandler;
import dev.strangler.proxy.admin.AuditLog;
import dev.strangler.proxy.admin.BackendAdmin;
import dev.strangler.proxy.admin.FileRouteStore;
import dev.strangler.proxy.admin.RouteController;
import dev.strangler.proxy.admin.RouteStateStore;
import dev.strangler.proxy.admin.RouteStore;
import dev.strangler.proxy.backend.Backends;
import dev.strangler.proxy.control.PgControlPlane;
import dev.strangler.proxy.guard.RouteGuards;
import dev.strangler.proxy.internal.ProxyChannelInitializer;
import dev.strangler.proxy.internal.ProxyContext;
import dev.strangler.proxy.internal.ProxyMetrics;
import dev.strangler.proxy.internal.StatsdExport;
import dev.strangler.proxy.internal.WebSocketSessions;
import dev.strangler.proxy.mirror.ProxyRouteStats;
import dev.strangler.proxy.mirror.ShadowWiring;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteTable;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy: the client-facing HTTP listener and the admin API, each on its own port.
 * Start with {@link #start}. {@link #drainAndClose()} is the SIGTERM path: {@code /readyz} 503 at
 * once, the listener closes after {@code shutdown.drainDelay}, then connections are moved off
 * ({@code Connection: close}) while in-flight requests and WebSocket sessions get up to
 * {@code shutdown.grace}. {@link #close()} does the same without the drain delay (embedding, tests).
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final ProxyConfig config;
    private final AtomicReference<RouteTable> routes;
    private final RouteController controller;
    private final RouteStore store;
    private final ProxyContext context;
    private final Backends backends;
    private final EventLoopGroup ioGroup;
    private final EventLoopGroup adminGroup;
    private final ExecutorService adminWorker;
    private final RouteGuards guards;
    private final ExecutorService dashboardWorker;
    private final ShadowWiring shadow;
    private final MeterRegistry statsd;
    private final AtomicReference<String> readiness = new AtomicReference<>("starting");
    private final Object closeLock = new Object();
    private Channel proxyChannel;
    private Channel adminChannel;
    private boolean closed;

    private ProxyServer(ProxyConfig config, MeterRegistry registry, Clock clock, Transport transport) {
        this.config = config;
        ObjectMapper json = new ObjectMapper();
        PrometheusMeterRegistry prometheus = prometheus(registry);
        MeterRegistry recordTo = registry;
        if (prometheus == null) {
            prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            recordTo = new CompositeMeterRegistry(registry.config().clock(), List.of(registry, prometheus));
        }
        this.statsd = StatsdExport.create(config.metrics().statsd());
        if (statsd != null) {
            recordTo = new CompositeMeterRegistry(registry.config().clock(), List.of(recordTo, statsd));
            LOG.info("metrics also sent to StatsD {}:{} ({} flavor, prefix {}, every {})", config.metrics().statsd().host(),
                    config.metrics().statsd().port(), config.metrics().statsd().flavor(),
                    config.metrics().statsd().prefix(), config.metrics().statsd().step());
        }
        RouteStateStore state = new RouteStateStore(config.state().stateFile(), json);
        this.store = config.controlPlane().enabled()
                ? new PgControlPlane(config.controlPlane(), config.routes(), state, json, recordTo)
                : new FileRouteStore(state, new AuditLog(config.state().auditLog(), json), json);
        this.routes = new AtomicReference<>(store.load(config.routes()));
        this.backends = new Backends(config.backends().values(), recordTo);
        // Endpoint changes made at run time (state file, control plane or its cache) replace the config's.
        backends.applyOverrides(store.loadEndpoints());
        store.followEndpoints(backends::applyOverrides);
        WebSocketSessions webSockets = new WebSocketSessions();
        this.controller = new RouteController(routes, store, webSockets, clock);
        store.follow(controller);
        this.guards = new RouteGuards(config.guards(), controller, recordTo, System::nanoTime);
        if (config.reusePort() && !transport.name().equals("epoll")) {
            guards.close();
            store.close();
            backends.close();
            if (statsd != null) {
                statsd.close();
            }
            throw new ProxyException("listen.reusePort: true needs the native epoll transport (Linux x86-64); this "
                    + "platform runs NIO (set listen.reusePort: false, or run on Linux)", null);
        }
        this.shadow = ShadowWiring.start(config, backends, recordTo, clock, transport.clientChannel(),
                transport.ioHandlerFactory());
        this.context = new ProxyContext(routes, backends, config.limits(),
                new ProxyMetrics(recordTo, guards::window), webSockets, transport.clientChannel(), shadow.mirror());
        this.ioGroup = new MultiThreadIoEventLoopGroup(config.threads(), transport.ioHandlerFactory());
        this.adminGroup = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        this.adminWorker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "strangler-admin-worker");
            t.setDaemon(true);
            return t;
        });
        // Dashboard queries are JDBC: their own small bounded pool, so they never queue ahead of a rollback.
        this.dashboardWorker = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(32), r -> {
            Thread t = new Thread(r, "strangler-dashboard-worker");
            t.setDaemon(true);
            return t;
        });
        PrometheusMeterRegistry scrape = prometheus;
        AdminHandler admin = new AdminHandler(controller, List.copyOf(config.admin().tokens().values()), adminWorker,
                scrape::scrape, readiness::get, json, new BackendAdmin(backends, store, clock, json),
                shadow.dashboard(new ProxyRouteStats(routes::get, recordTo, clock), clock), shadow.unavailableReason(),
                dashboardWorker);
        try {
            ServerBootstrap listener = new ServerBootstrap().group(ioGroup).channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true);
            if (config.reusePort()) {
                // Another process (the next version) may bind the same port while this one drains.
                listener.option(EpollChannelOption.SO_REUSEPORT, true);
            }
            proxyChannel = listener
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ProxyChannelInitializer(context))
                    .bind(config.listen().host(), config.listen().port()).sync().channel();
            adminChannel = new ServerBootstrap().group(adminGroup).channel(transport.serverChannel())
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), admin);
                        }
                    })
                    .bind(config.admin().listen().host(), config.admin().listen().port()).sync().channel();
        } catch (Exception e) {
            guards.close();
            shutdownGroups();
            store.close();
            shadow.close();
            throw new ProxyException("cannot listen on " + config.listen() + " / admin " + config.admin().listen()
                    + ": " + e.getMessage() + " (is another process using the port?)", e);
        }
        guards.start();
        readiness.set("ready");
        LOG.info("proxy listening on {}{} (admin {}), {} I/O threads, transport {}, {} routes (table version {})",
                address(proxyChannel), config.reusePort() ? " with SO_REUSEPORT" : "", address(adminChannel),
                config.threads(), transport.name(), config.routes().size(), routes.get().version());
        store.controlPlane().ifPresent(cp -> LOG.info("control plane {}: {}", config.controlPlane().maskedUrl(),
                cp.state()));
    }

    /**
     * Starts a proxy. Metrics go to {@code registry}; {@code /metrics} scrapes it when it is (or
     * contains) a {@link PrometheusMeterRegistry}, else a private one. {@code clock} stamps audit
     * entries.
     *
     * @throws ProxyException when a port cannot be bound or the state file cannot be read
     */
    public static ProxyServer start(ProxyConfig config, MeterRegistry registry, Clock clock) {
        return start(config, registry, clock, Transport.best());
    }

    /** As {@link #start(ProxyConfig, MeterRegistry, Clock)} on a given transport (tests force NIO). */
    static ProxyServer start(ProxyConfig config, MeterRegistry registry, Clock clock, Transport transport) {
        try {
            return new ProxyServer(config, registry, clock, transport);
        } catch (java.io.UncheckedIOException e) {
            throw new ProxyException(e.getMessage(), e);
        }
    }

    /** The port clients connect to (the bound one when the config said 0). */
    public int port() {
        return ((InetSocketAddress) proxyChannel.localAddress()).getPort();
    }

    /** The admin API's port. */
    public int adminPort() {
        return ((InetSocketAddress) adminChannel.localAddress()).getPort();
    }

    /** The route table in effect now. */
    public RouteTable routes() {
        return routes.get();
    }

    /** Changes routes in process, exactly as the admin API does (audited, persisted). */
    public RouteController controller() {
        return controller;
    }

    /** The config this proxy runs with. */
    public ProxyConfig config() {
        return config;
    }

    /** Requests in flight now. */
    public long inFlight() {
        return context.inFlight();
    }

    /** Open client connections now (WebSocket sessions included). */
    public int openConnections() {
        return context.drainer().openConnections();
    }

    /** The automatic-rollback guards (empty when no route declares one). */
    public RouteGuards guards() {
        return guards;
    }

    /**
     * The SIGTERM path: {@code /readyz} answers 503 at once; the listener stays open for
     * {@code shutdown.drainDelay} so load balancers notice, then closes; then every response carries
     * {@code Connection: close}, idle keep-alive connections are closed, and in-flight requests and
     * WebSocket sessions get up to {@code shutdown.grace} before the rest is cut. Blocks the caller
     * (never call it on an event loop). Idempotent.
     */
    public void drainAndClose() {
        stop(config.shutdown().drainDelay());
    }

    /**
     * Graceful stop without the drain delay (embedding, tests): {@code /readyz} 503, listener closed at
     * once, in-flight requests and WebSocket sessions get up to {@code shutdown.grace}. Idempotent.
     */
    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private void stop(Duration drainDelay) {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        readiness.set("draining");
        if (!drainDelay.isZero()) {
            LOG.info("draining: /readyz answers 503; listener closes in {} ms", drainDelay.toMillis());
            pause(drainDelay);
        }
        proxyChannel.close().syncUninterruptibly();
        context.drainer().startClosing();
        Duration grace = config.shutdown().grace();
        LOG.info("listener closed; waiting up to {} ms for {} requests in flight, {} WebSockets, {} connections",
                grace.toMillis(), context.inFlight(), context.webSockets().size(), openConnections());
        long deadline = System.nanoTime() + grace.toNanos();
        while ((context.inFlight() > 0 || openConnections() > 0) && System.nanoTime() < deadline) {
            pause(Duration.ofMillis(10)); // caller's thread, never an event loop: polling the counts
        }
        if (context.inFlight() > 0 || context.webSockets().size() > 0) {
            LOG.warn("shutdown grace {} over with {} requests still in flight and {} WebSockets open; closing them",
                    grace, context.inFlight(), context.webSockets().size());
            context.webSockets().closeAll(); // close frame 1001 "going away" rather than a bare reset
        }
        context.drainer().closeAll();
        guards.close();
        adminChannel.close().syncUninterruptibly();
        shutdownGroups();
        store.close();
        shadow.close(); // after the I/O threads: no more mirrors; queued comparisons are finished and stored
        LOG.info("proxy stopped");
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The backends with their endpoints, circuit breakers and bulkheads (same as {@code GET /api/backends}). */
    public Backends backends() {
        return backends;
    }

    private void shutdownGroups() {
        backends.close();
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        adminGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        adminWorker.shutdown();
        dashboardWorker.shutdown();
        if (statsd != null) {
            statsd.close(); // flushes what is buffered
        }
    }

    private static PrometheusMeterRegistry prometheus(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry p) {
            return p;
        }
        if (registry instanceof CompositeMeterRegistry c) {
            for (MeterRegistry child : c.getRegistries()) {
                if (child instanceof PrometheusMeterRegistry p) {
                    return p;
                }
            }
        }
        return null;
    }

    private static String address(Channel ch) {
        InetSocketAddress a = (InetSocketAddress) ch.localAddress();
        return a.getHostString() + ":" + a.getPort();
    }
}
