package dev.strangler.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.proxy.admin.AdminHandler;
import dev.strangler.proxy.admin.AuditLog;
import dev.strangler.proxy.admin.RouteController;
import dev.strangler.proxy.admin.RouteStateStore;
import dev.strangler.proxy.internal.ProxyChannelInitializer;
import dev.strangler.proxy.internal.ProxyContext;
import dev.strangler.proxy.internal.ProxyMetrics;
import dev.strangler.proxy.internal.StatsdExport;
import dev.strangler.proxy.internal.WebSocketSessions;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy: the client-facing HTTP listener and the admin API, each on its own port.
 * Start with {@link #start}; {@link #close()} stops accepting, lets in-flight requests finish (up to
 * {@code shutdownGrace}) and releases everything.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final ProxyConfig config;
    private final AtomicReference<RouteTable> routes;
    private final RouteController controller;
    private final ProxyContext context;
    private final EventLoopGroup ioGroup;
    private final EventLoopGroup adminGroup;
    private final ExecutorService adminWorker;
    private final MeterRegistry statsd;
    private final AtomicReference<String> readiness = new AtomicReference<>("starting");
    private final Object closeLock = new Object();
    private Channel proxyChannel;
    private Channel adminChannel;
    private boolean closed;

    private ProxyServer(ProxyConfig config, MeterRegistry registry, Clock clock) {
        this.config = config;
        ObjectMapper json = new ObjectMapper();
        RouteStateStore store = new RouteStateStore(config.state().stateFile(), json);
        this.routes = new AtomicReference<>(new RouteTable(1, withSavedWeights(config.routes(), store)));
        WebSocketSessions webSockets = new WebSocketSessions();
        this.controller = new RouteController(routes, store, new AuditLog(config.state().auditLog(), json), webSockets, clock);
        Transport transport = Transport.best();
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
        this.context = new ProxyContext(routes, new ArrayList<>(config.backends().values()), config.limits(),
                new ProxyMetrics(recordTo), webSockets, transport.clientChannel());
        this.ioGroup = new MultiThreadIoEventLoopGroup(config.threads(), transport.ioHandlerFactory());
        this.adminGroup = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        this.adminWorker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "strangler-admin-worker");
            t.setDaemon(true);
            return t;
        });
        PrometheusMeterRegistry scrape = prometheus;
        AdminHandler admin = new AdminHandler(controller, List.copyOf(config.admin().tokens().values()), adminWorker,
                scrape::scrape, readiness::get, json);
        try {
            proxyChannel = new ServerBootstrap().group(ioGroup).channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
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
            shutdownGroups();
            throw new ProxyException("cannot listen on " + config.listen() + " / admin " + config.admin().listen()
                    + ": " + e.getMessage() + " (is another process using the port?)", e);
        }
        readiness.set("ready");
        LOG.info("proxy listening on {} (admin {}), {} I/O threads, transport {}, {} routes (table version {})",
                address(proxyChannel), address(adminChannel), config.threads(), transport.name(),
                config.routes().size(), routes.get().version());
    }

    /**
     * Starts a proxy. Metrics go to {@code registry}; {@code /metrics} scrapes it when it is (or
     * contains) a {@link PrometheusMeterRegistry}, else a private one. {@code clock} stamps audit
     * entries.
     *
     * @throws ProxyException when a port cannot be bound or the state file cannot be read
     */
    public static ProxyServer start(ProxyConfig config, MeterRegistry registry, Clock clock) {
        try {
            return new ProxyServer(config, registry, clock);
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

    /**
     * Graceful stop: refuse new connections, report "draining" on /readyz, wait for in-flight
     * requests up to {@code shutdownGrace}, then close every connection. Idempotent.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        readiness.set("draining");
        proxyChannel.close().syncUninterruptibly();
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        while (context.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10); // caller's thread, never an event loop: polling the in-flight count
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (context.inFlight() > 0) {
            LOG.warn("shutdown grace {} over with {} requests still in flight; closing them", config.shutdownGrace(),
                    context.inFlight());
        }
        adminChannel.close().syncUninterruptibly();
        shutdownGroups();
        LOG.info("proxy stopped");
    }

    private void shutdownGroups() {
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        adminGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        adminWorker.shutdown();
        if (statsd != null) {
            statsd.close(); // flushes what is buffered
        }
    }

    private static List<Route> withSavedWeights(List<Route> configured, RouteStateStore store) {
        Map<String, Integer> saved = store.load();
        List<Route> out = new ArrayList<>(configured.size());
        for (Route r : configured) {
            Integer w = saved.get(r.id());
            if (w == null || w == r.weightBps()) {
                out.add(r);
            } else if (w < 0 || w > Route.MAX_WEIGHT_BPS || (w > 0 && r.target() == null)) {
                LOG.warn("route {}: ignoring saved weight {} from {} (not valid for this route)", r.id(), w, store.file());
                out.add(r);
            } else {
                LOG.info("route {}: weight {} bps from {} (config says {})", r.id(), w, store.file(), r.weightBps());
                out.add(r.withWeight(w));
            }
        }
        return out;
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
