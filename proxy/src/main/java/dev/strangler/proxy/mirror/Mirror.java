package dev.strangler.proxy.mirror;

import dev.strangler.proxy.MirrorConfig;
import dev.strangler.proxy.backend.BackendGroup;
import dev.strangler.proxy.backend.Backends;
import dev.strangler.proxy.backend.Endpoint;
import dev.strangler.proxy.routing.Route;
import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.Primary;
import dev.strangler.shadow.ShadowComparator;
import dev.strangler.shadow.ShadowExchange;
import dev.strangler.shadow.ShadowOutcome;
import dev.strangler.shadow.ShadowResponse;
import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.Side;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The proxy side of shadow comparison. Per request {@link #capture} decides (route has a
 * {@code shadow:}, its {@code primary} copies what the side the client got answered, method and
 * sample rate) whether to copy it; after the primary response is read the copy goes to the side
 * the client did not get, with
 * {@code X-Strangler-Shadow: 1} (and {@code X-Strangler-Dry-Run: 1} for writes to a side-effect-free
 * target), optionally the primary is asked again (noise learning), and both answers go to the
 * {@link ShadowComparator}, which compares them on its own threads.
 *
 * <p><b>Never on the primary path.</b> A request that is not sampled costs one map lookup. A
 * sampled one costs header and body copies (bounded by {@code maxBodyBytes}); the copy is sent
 * after the client's response is written. Each I/O thread has its own share of the concurrency
 * cap and of the waiting queue, its own pool of keep-alive mirror connections (per endpoint) and
 * its own timeout sweep ({@link MirrorClock}), so nothing here takes a lock; when both are full the
 * mirror is dropped and counted. The endpoint comes from the shadow backend's balancer, as for a
 * primary request. What the comparator needs (headers in its own form, body arrays) is built on
 * the comparison worker, not here. By default the copy leaves from the client's own event loop;
 * with {@code mirror.ioThreads > 0} it is handed (one task hand-off) to dedicated mirror threads,
 * which keeps the shadow's HTTP work off the threads that serve clients when there are spare cores.
 * A shadow silent for {@code timeout} counts as a timeout, never as a difference.
 */
public final class Mirror implements AutoCloseable {

    /** Marks every mirrored request; a request carrying it is never mirrored again. */
    public static final String SHADOW_HEADER = "X-Strangler-Shadow";
    /** Sent with writes to a side-effect-free target: run, answer, roll back. */
    public static final String DRY_RUN_HEADER = "X-Strangler-Dry-Run";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final Map<String, RouteMirror> routes;
    private final Backends backends;
    final MirrorPool pool;
    private final int perLoopConcurrent;
    private final int perLoopQueue;
    final long maxBodyBytes;
    final long timeoutNanos;
    private final ShadowComparator comparator;
    private final MirrorMetrics metrics;
    private final FastThreadLocal<LoopState> loops;
    private final AutoCloseable[] resources;
    private final EventLoopGroup mirrorLoops; // null: copies leave from the client's own event loop
    private final java.util.concurrent.atomic.AtomicInteger handedOff = new java.util.concurrent.atomic.AtomicInteger();
    private final int handOffLimit;

    private Mirror() {
        this.routes = Map.of();
        this.backends = null;
        this.pool = null;
        this.perLoopConcurrent = 0;
        this.perLoopQueue = 0;
        this.maxBodyBytes = 0;
        this.timeoutNanos = 0;
        this.comparator = null;
        this.metrics = null;
        this.loops = null;
        this.resources = new AutoCloseable[0];
        this.mirrorLoops = null;
        this.handOffLimit = 0;
    }

    /**
     * @param config      limits and route settings
     * @param backends    the proxy's backends: copies pick an endpoint the way the primary path does
     * @param ioThreads   number of I/O threads sharing the limits
     * @param comparator  where finished exchanges go (its routes are the mirrored ones)
     * @param resources   closed by {@link #close()} after the comparator (diff store, data source)
     */
    public Mirror(MirrorConfig config, Backends backends, int ioThreads, ShadowComparator comparator,
                  MeterRegistry meters, Class<? extends Channel> channelClass, IoHandlerFactory ioHandlers,
                  AutoCloseable... resources) {
        this.comparator = comparator;
        this.metrics = new MirrorMetrics(meters);
        Map<String, RouteMirror> byRoute = new HashMap<>();
        for (ShadowRouteConfig c : config.routes()) {
            byRoute.put(c.route(), new RouteMirror(c, new MirrorMetrics.RouteMeters(meters, c.route())));
        }
        this.routes = Map.copyOf(byRoute);
        this.backends = backends;
        this.pool = new MirrorPool(channelClass, config.timeout());
        int loopsSending = config.ioThreads() > 0 ? config.ioThreads() : ioThreads;
        this.mirrorLoops = config.ioThreads() > 0 && !config.routes().isEmpty()
                ? new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("strangler-mirror", true), ioHandlers)
                : null;
        this.perLoopConcurrent = Math.max(1, (config.maxConcurrent() + loopsSending - 1) / loopsSending);
        this.perLoopQueue = (config.queueCapacity() + loopsSending - 1) / loopsSending;
        this.handOffLimit = config.maxConcurrent() + config.queueCapacity();
        this.maxBodyBytes = config.maxBodyBytes();
        this.timeoutNanos = config.timeout().toNanos();
        this.loops = new FastThreadLocal<>() {
            @Override
            protected LoopState initialValue() {
                return new LoopState();
            }
        };
        this.resources = resources.clone();
    }

    /** Mirrors nothing. */
    public static Mirror disabled() {
        return new Mirror();
    }

    /** True when at least one route is mirrored. */
    public boolean enabled() {
        return !routes.isEmpty();
    }

    /** The comparator, or null when disabled. */
    public ShadowComparator comparator() {
        return comparator;
    }

    /**
     * Whether to copy this request; null for "no" (the common, cheap case). Called on the client's
     * event loop after routing and {@code prepareRequest}, before the request is written.
     *
     * @param toTarget    whether the split sent it to the route's target
     * @param originalUri the client's URI, before any rewrite
     */
    public MirrorCapture capture(Route route, boolean toTarget, HttpRequest req, String originalUri, EventLoop loop) {
        if (routes.isEmpty()) {
            return null;
        }
        RouteMirror rm = routes.get(route.id());
        Side client = toTarget ? Side.TARGET : Side.LEGACY;
        String method = req.method().name();
        if (rm == null || route.target() == null || !rm.config.copies(client, method)) {
            return null;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (!rm.config.shouldMirror(method, random.nextDouble()) || req.headers().contains(SHADOW_HEADER)) {
            return null;
        }
        if (io.netty.handler.codec.http.HttpUtil.getContentLength(req, -1L) > maxBodyBytes) {
            rm.meters.tooLarge.increment();
            return null;
        }
        boolean safe = SAFE.contains(method);
        boolean askTwice = safe && rm.config.shouldAskPrimaryTwice(random.nextDouble());
        io.netty.handler.codec.http.HttpHeaders headers = req.headers().copy();
        return new MirrorCapture(this, rm, route, client, method, originalUri, headers, loop, askTwice);
    }

    /**
     * The primary is complete (on the client's event loop). With dedicated mirror threads the copy
     * moves to one of them (round robin); there, or here, it starts now, waits, or is dropped.
     */
    void dispatch(MirrorCapture c) {
        if (mirrorLoops == null) {
            admit(c);
            return;
        }
        // Bound what waits in the mirror threads' task queues too: they may fall behind.
        if (handedOff.incrementAndGet() > handOffLimit) {
            handedOff.decrementAndGet();
            c.route.meters.queueFull.increment();
            return;
        }
        EventLoop loop = mirrorLoops.next();
        c.loop = loop;
        loop.execute(() -> {
            handedOff.decrementAndGet();
            admit(c);
        });
    }

    private void admit(MirrorCapture c) {
        LoopState st = loops.get();
        if (st.inFlight < perLoopConcurrent) {
            start(st, c);
        } else if (st.waiting.size() < perLoopQueue) {
            st.waiting.addLast(c);
            metrics.queued.incrementAndGet();
        } else {
            c.route.meters.queueFull.increment();
        }
    }

    private void start(LoopState st, MirrorCapture c) {
        st.inFlight++;
        metrics.inFlight.incrementAndGet();
        Route r = c.routeSnapshot;
        io.netty.handler.codec.http.HttpHeaders h = c.requestHeaders;
        byte[] body = c.requestBody.toArray();
        c.requestBodyBytes = body;
        h.remove(HttpHeaderNames.TRANSFER_ENCODING).remove(HttpHeaderNames.EXPECT);
        if (body.length > 0 || !SAFE.contains(c.method)) {
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        } else {
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        h.set(SHADOW_HEADER, "1");
        Side shadowSide = Primary.shadowOf(c.clientSide);
        io.netty.handler.codec.http.HttpHeaders shadowHeaders = h;
        if (!SAFE.contains(c.method)) {
            shadowHeaders = h.copy().set(DRY_RUN_HEADER, "1"); // writes reach only a side-effect-free target
        }
        c.shadowCall = new MirrorCall(c, pick(r, shadowSide), uri(r, shadowSide, c.uri), shadowHeaders, body);
        if (c.askPrimaryTwice) {
            c.secondCall = new MirrorCall(c, pick(r, c.clientSide), uri(r, c.clientSide, c.uri), h, body);
        }
        MirrorClock clock = st.clock(c.loop, timeoutNanos);
        c.shadowCall.send(clock);
        if (c.secondCall != null) {
            c.secondCall.send(clock);
        }
    }

    /**
     * An endpoint of the side's backend, chosen by the backend's own balancer: healthy, not ejected,
     * not draining endpoints first (panic mode otherwise), like a primary request. Null when the
     * backend has none. Copies take no circuit-breaker or bulkhead permit and report no outcome to
     * outlier detection: a shadow experiment never changes how real traffic is routed.
     */
    private Endpoint pick(Route r, Side side) {
        BackendGroup g = backends.get(side == Side.TARGET ? r.target() : r.legacy());
        return g == null ? null : g.pick(null);
    }

    private static String uri(Route r, Side side, String uri) {
        return side == Side.TARGET && r.rewrite() != null ? r.rewrite().apply(uri) : uri;
    }

    /** A call of {@code c} finished; when all did, the exchange goes to the comparator. */
    void callDone(MirrorCapture c) {
        if (!c.shadowCall.done() || (c.secondCall != null && !c.secondCall.done())) {
            return;
        }
        LoopState st = loops.get();
        st.inFlight--;
        metrics.inFlight.decrementAndGet();
        MirrorMetrics.RouteMeters m = c.route.meters;
        (c.shadowCall.outcome == ShadowOutcome.RESPONDED ? m.responded
                : c.shadowCall.outcome == ShadowOutcome.TIMEOUT ? m.timeout : m.error).increment();
        // Never blocks; a full comparison queue drops and counts. The exchange (header conversion,
        // body arrays) is built by the worker: the event loop only hands over what it captured.
        // What finishes during one pass over the ready connections goes over as one batch, handed
        // on by a task that runs right after that pass: one worker wake-up for all of them.
        st.toCompare.add(new ShadowComparator.Pending(c.route.config.route(), () -> exchange(c)));
        if (st.toCompare.size() == 1) {
            try {
                c.loop.execute(st.handOver);
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                st.handOver.run();
            }
        }
        MirrorCapture next;
        while (st.inFlight < perLoopConcurrent && (next = st.waiting.pollFirst()) != null) {
            metrics.queued.decrementAndGet();
            start(st, next);
        }
    }

    private static ShadowExchange exchange(MirrorCapture c) {
        int q = c.uri.indexOf('?');
        ShadowExchange.Builder b = ShadowExchange.builder(c.route.config.route())
                .request(c.method, q < 0 ? c.uri : c.uri.substring(0, q), q < 0 ? "" : c.uri.substring(q + 1))
                .requestHeaders(clientHeaders(c.requestHeaders))
                .requestBody(c.requestBodyBytes)
                .primary(new ShadowResponse(c.primaryStatus, MirrorCapture.convert(c.primaryHeaders), c.primaryBody.toArray(),
                        false, c.primaryNanos))
                .startedAt(Instant.ofEpochMilli(c.startedAtMillis))
                .primarySide(c.clientSide);
        if (c.shadowCall.outcome == ShadowOutcome.RESPONDED) {
            b.shadow(c.shadowCall.response());
        } else {
            b.shadowFailed(c.shadowCall.outcome);
        }
        if (c.secondCall != null && c.secondCall.outcome == ShadowOutcome.RESPONDED) {
            b.secondPrimary(c.secondCall.response());
        }
        return b.build();
    }

    /** The request headers as the client sent them (without the proxy's own mirror markers). */
    private static HttpHeaders clientHeaders(io.netty.handler.codec.http.HttpHeaders h) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            String name = e.getKey().toString();
            if (!name.toLowerCase(Locale.ROOT).startsWith("x-strangler-")) {
                b.add(name, e.getValue().toString());
            }
        }
        return b.build();
    }

    /** Stops comparing (finishing queued comparisons) and closes the diff store and its pool. */
    @Override
    public void close() {
        if (mirrorLoops != null) {
            mirrorLoops.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (comparator != null) {
            comparator.close();
        }
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(Mirror.class).warn("closing {} failed: {}", r.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** A mirrored route: its settings and meters. */
    static final class RouteMirror {
        final ShadowRouteConfig config;
        final MirrorMetrics.RouteMeters meters;

        RouteMirror(ShadowRouteConfig config, MirrorMetrics.RouteMeters meters) {
            this.config = config;
            this.meters = meters;
        }
    }

    /** What one sending thread owns: its share of the cap and of the queue, and the batch for the comparator. */
    private final class LoopState {
        int inFlight;
        final ArrayDeque<MirrorCapture> waiting = new ArrayDeque<>();
        final ArrayList<ShadowComparator.Pending> toCompare = new ArrayList<>();
        final Runnable handOver = () -> {
            comparator.submitAll(List.copyOf(toCompare));
            toCompare.clear();
        };
        private MirrorClock clock;

        MirrorClock clock(EventLoop loop, long timeoutNanos) {
            if (clock == null) {
                clock = new MirrorClock(loop, timeoutNanos); // this thread is loop: one clock per sending loop
            }
            return clock;
        }
    }
}
