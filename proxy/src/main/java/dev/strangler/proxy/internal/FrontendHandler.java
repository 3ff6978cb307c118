package dev.strangler.proxy.internal;

import dev.strangler.proxy.backend.BackendGroup;
import dev.strangler.proxy.backend.Endpoint;
import dev.strangler.proxy.backend.FallbackReason;
import dev.strangler.proxy.backend.Idempotency;
import dev.strangler.proxy.mirror.MirrorCapture;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.StickyBucketer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: routes each request, leases a backend connection on the same event loop,
 * streams the request body to it and the response back, one exchange at a time (pipelined requests
 * wait in {@link #inbox}). Auto-read is switched off on a side while the other cannot take more
 * (see {@link #maybeRead()}): a side is read only while the other
 * side is writable, which bounds memory for bodies of any size. After a WebSocket 101 both channels
 * become a raw byte relay.
 *
 * <p>Each try on a backend is an {@link Attempt} (circuit breaker, bulkhead, endpoint). When one
 * fails, {@link ReplayPolicy} decides whether the request goes again (fresh connection, another
 * endpoint, or the route's legacy backend) from what is still in hand: the unsent request, or the
 * {@link ReplayBuffer} of an idempotent one.
 *
 * <p>Everything here runs on the client channel's event loop; the backend channel shares it.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);
    /** WebSocket close frame, server to client (unmasked), status 1001 "going away". */
    private static final byte[] WS_GOING_AWAY = {(byte) 0x88, 0x02, 0x03, (byte) 0xE9};
    /** Same-backend retries per request (a stale connection and another endpoint). */
    private static final int MAX_SAME_BACKEND_RETRIES = 2;

    private final ProxyContext px;
    private final HeaderTimeoutHandler headerTimeout;
    private final ClientResponseEncoder encoder;
    private final ArrayDeque<Object> inbox = new ArrayDeque<>(4);
    private ChannelHandlerContext ctx;
    private String clientIp = "unknown";

    // State of the current exchange; reset by startExchange.
    private boolean active;
    private String routeId;
    private String backendName;
    private ProxyMetrics.RouteMeters meters;
    private long startNanos;
    private Channel backend;
    private BackendHandler backendHandler;
    private HttpRequest pendingRequest;
    private boolean connecting;
    private boolean requestDone;
    private boolean responseStarted;
    private boolean interim;
    private boolean upgradeRequested;
    private boolean upgradePending;
    private boolean clientKeepAlive;
    private boolean clientHttp11;
    private boolean headRequest;
    private boolean backendKeepAlive;
    private boolean responseKeepAlive;
    private long bodyBytes;
    private int status;
    // Replay and fallback state of the current exchange.
    private Route route;
    private String method;
    private String originalUri;
    private boolean onTarget;
    private boolean fellBack;
    private boolean staleRetried;
    private int sameBackendRetries;
    private Attempt attempt;
    private ReplayBuffer replay;
    private boolean resendChunks;
    private int attemptSeq;
    private int dispatches;
    private ScheduledFuture<?> firstByteTimer;
    private ScheduledFuture<?> totalTimer;
    private final FallbackReason[] refusal = new FallbackReason[1];
    private MirrorCapture mirror; // non-null while a sampled exchange is being copied for the shadow

    // Connection state.
    private boolean upgraded;
    private boolean closing;
    private boolean draining;
    private boolean backendFlushPending;

    FrontendHandler(ProxyContext px, HeaderTimeoutHandler headerTimeout, ClientResponseEncoder encoder) {
        this.px = px;
        this.headerTimeout = headerTimeout;
        this.encoder = encoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress isa && isa.getAddress() != null) {
            clientIp = isa.getAddress().getHostAddress();
        }
        px.metrics.connectionOpened();
        ctx.fireChannelActive();
    }

    // ---- client → proxy ----------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg); // connection is going away; nothing more is forwarded
            return;
        }
        if (upgraded) {
            relay(msg, backend);
            return;
        }
        if (blocked() || !inbox.isEmpty()) {
            inbox.add(msg); // held (we own it) until the current exchange lets it through
            drainInbox();
            return;
        }
        handle(msg);
    }

    /** True while the current exchange cannot take more client messages. */
    private boolean blocked() {
        return active && (connecting || requestDone);
    }

    private void drainInbox() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            Object m;
            while (!closing && !upgraded && !blocked() && (m = inbox.poll()) != null) {
                handle(m);
            }
        } finally {
            draining = false;
        }
    }

    private void handle(Object msg) {
        if (msg instanceof HttpRequest req) {
            onRequest(req);
        } else if (msg instanceof HttpContent c) {
            onContent(c);
        } else {
            ReferenceCountUtil.release(msg); // not HTTP: nothing to forward it to
        }
    }

    private void onRequest(HttpRequest req) {
        headerTimeout.headersReceived();
        startExchange();
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            ReferenceCountUtil.release(req); // invalid messages are full messages that may hold content
            if (cause instanceof TooLongHttpLineException) {
                reject(HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long", "request line too long (limits.maxInitialLineBytes)", true);
            } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
                reject(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large", "request headers too large (limits.maxHeaderBytes)", true);
            } else {
                reject(HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed request: invalid request line, headers or framing", true);
            }
            return;
        }
        String uri = req.uri();
        if (uri.isEmpty() || uri.charAt(0) != '/') {
            ReferenceCountUtil.release(req);
            reject(HttpResponseStatus.BAD_REQUEST, "bad_request", "request target must be a path starting with /", true);
            return;
        }
        clientHttp11 = req.protocolVersion().equals(HttpVersion.HTTP_1_1);
        clientKeepAlive = HttpUtil.isKeepAlive(req);
        headRequest = HttpMethod.HEAD.equals(req.method());
        encoder.headRequest(headRequest);
        long contentLength = HttpUtil.getContentLength(req, -1L);
        boolean hasBody = contentLength > 0 || HttpUtil.isTransferEncodingChunked(req);
        if (contentLength > px.limits.maxBodyBytes()) {
            ReferenceCountUtil.release(req);
            reject(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                    "request body larger than " + px.limits.maxBodyBytes() + " bytes (limits.maxBodyBytes)", true);
            return;
        }
        Route route = px.routes.get().match(req.method().name(), path(uri), req.headers());
        if (route == null) {
            ReferenceCountUtil.release(req);
            reject(HttpResponseStatus.NOT_FOUND, "not_found", "no route matches this request (see routes[].match)", hasBody);
            return;
        }
        boolean toTarget = StickyBucketer.toTarget(route, req.headers());
        this.route = route;
        routeId = route.id();
        method = req.method().name();
        upgradeRequested = ProxyHeaders.isWebSocketUpgrade(req);
        ProxyHeaders.prepareRequest(req, clientIp, upgradeRequested);
        originalUri = uri;
        mirror = upgradeRequested ? null : px.mirror.capture(route, toTarget, req, uri, ctx.channel().eventLoop());
        px.inFlight.increment();
        String first = toTarget ? route.target() : route.legacy();
        if (!upgradeRequested && Idempotency.idempotent(method)) {
            replay = new ReplayBuffer(req, px.backend(first).resilience().replayBufferBytes());
        }
        dispatch(req, first, toTarget, null, false, false);
    }

    /**
     * Sends the request to backend {@code name}. {@code req} is either not sent yet (its body, if
     * any, still waits in the inbox) or, with {@code fromReplay}, the replay buffer's head whose
     * held body chunks follow it.
     */
    private void dispatch(HttpRequest req, String name, boolean target, Endpoint exclude, boolean fresh,
                          boolean fromReplay) {
        backendName = name;
        onTarget = target;
        meters = px.metrics.meters(routeId, name);
        req.setUri(target && route.rewrite() != null ? route.rewrite().apply(originalUri) : originalUri);
        BackendGroup g = px.backend(name);
        Attempt a = Attempt.start(g, exclude, refusal);
        if (a == null) {
            onFailure(ReplayPolicy.Failure.REFUSED, refusal[0], req, fromReplay);
            return;
        }
        attempt = a;
        int seq = ++attemptSeq;
        dispatches++;
        resendChunks = fromReplay;
        startTotalTimer(g, seq);
        Channel pooled = upgradeRequested || fresh ? null : px.pool.poll(a.endpoint);
        if (pooled != null) {
            a.reused = true;
            attach(pooled);
            send(req);
            if (dispatches > 1) {
                // A retry runs outside the client's read cycle: move on what waits in the inbox now.
                drainInbox();
                flushBackend();
                maybeRead();
            }
            return;
        }
        connecting = true;
        pendingRequest = req;
        BackendHandler bh = new BackendHandler(px.pool, a.endpoint);
        px.pool.connect(ctx.channel().eventLoop(), a.endpoint, bh, px.connectTimeoutMillis(g))
                .addListener((ChannelFutureListener) f -> onConnected(f, seq));
    }

    private void onConnected(ChannelFuture f, int seq) {
        if (seq != attemptSeq || !connecting) {
            if (f.isSuccess()) {
                f.channel().close(); // the exchange moved on (client gone): nobody wants this connection
            }
            return;
        }
        connecting = false;
        HttpRequest req = pendingRequest;
        pendingRequest = null;
        if (closing || !ctx.channel().isActive()) {
            ReferenceCountUtil.release(req);
            if (f.isSuccess()) {
                f.channel().close();
            }
            return;
        }
        if (!f.isSuccess()) {
            attempt.failed(Endpoint.Outcome.CONNECT_FAILURE);
            onFailure(ReplayPolicy.Failure.CONNECT, FallbackReason.CONNECT, req, resendChunks);
            return;
        }
        attach(f.channel());
        send(req);
        drainInbox();
        flushBackend();
        maybeRead();
    }

    /** Writes the head and, for a replay, the held body chunks. */
    private void send(HttpRequest req) {
        writeRequest(req);
        if (resendChunks) {
            resendChunks = false;
            replay.writeChunks(backend);
            backendFlushPending = true;
            if (replay.complete()) {
                flushBackend();
                requestSent();
            }
        }
    }

    /**
     * An attempt failed: retry, fall back or answer with an error, as {@link ReplayPolicy} says.
     * The caller has already finished (or never had) the attempt and detached its connection.
     */
    private void onFailure(ReplayPolicy.Failure f, FallbackReason reason, HttpRequest req, boolean fromReplay) {
        cancelTimers();
        Endpoint failed = attempt != null ? attempt.endpoint : null;
        if (attempt != null) {
            attempt.finish();
            attempt = null;
        }
        BackendGroup g = px.backend(backendName);
        boolean canFallBack = onTarget && !fellBack;
        ReplayPolicy.Action action = ReplayPolicy.decide(f, method, canFallBack, replay != null && replay.usable(),
                staleRetried, sameBackendRetries < MAX_SAME_BACKEND_RETRIES, failed != null && g.hasOther(failed));
        switch (action) {
            case RETRY_FRESH -> {
                staleRetried = true;
                sameBackendRetries++;
                px.backends.fallback(routeId, FallbackReason.STALE_CONNECTION);
                dispatch(req, backendName, onTarget, null, true, fromReplay);
            }
            case RETRY_OTHER_ENDPOINT -> {
                sameBackendRetries++;
                dispatch(req, backendName, onTarget, failed, false, fromReplay);
            }
            case FALLBACK -> {
                fellBack = true;
                px.backends.fallback(routeId, reason);
                // The target failed this request: its requests/latency meters say so (the ramp's gates
                // and the guard read error ratios per backend), then the monolith's answer is counted too.
                meters.record(failedStatus(f, reason), System.nanoTime() - startNanos);
                dispatch(req, route.legacy(), false, null, false, fromReplay);
            }
            default -> fail(f, reason, req);
        }
    }

    /** The status the target's failure counts as in its meters. */
    private int failedStatus(ReplayPolicy.Failure f, FallbackReason reason) {
        return switch (f) {
            case SERVER_ERROR -> status;
            case TIMEOUT -> 504;
            case REFUSED -> reason == FallbackReason.CONNECT ? 502 : 503;
            default -> 502;
        };
    }

    /** Answers a request that cannot be sent (again) with the proxy's JSON error. */
    private void fail(ReplayPolicy.Failure f, FallbackReason reason, HttpRequest req) {
        ReferenceCountUtil.release(req); // not sent anywhere any more (a no-op for plain request heads)
        boolean unknown = !Idempotency.safe(method);
        String b = "backend '" + backendName + "'";
        String check = unknown ? "; the request may have been processed (outcome unknown): check before retrying" : "";
        switch (f) {
            case REFUSED -> {
                if (reason == FallbackReason.CIRCUIT_OPEN) {
                    reject(HttpResponseStatus.SERVICE_UNAVAILABLE, "circuit_open", b
                            + " is failing and its circuit breaker is open; retry later", !requestDone);
                } else if (reason == FallbackReason.BULKHEAD_FULL) {
                    reject(HttpResponseStatus.SERVICE_UNAVAILABLE, "bulkhead_full", b
                            + " has too many requests in flight (resilience.maxConcurrent); retry later", !requestDone);
                } else {
                    reject(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", b + " has no endpoint available", true);
                }
            }
            case CONNECT -> reject(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", b + " is unreachable", true);
            case TIMEOUT -> reject(HttpResponseStatus.GATEWAY_TIMEOUT, "gateway_timeout", b
                    + " did not answer within " + timeoutMillis() + " ms" + check, !requestDone, unknown);
            default -> reject(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", b
                    + " closed the connection before answering" + check, !requestDone, unknown);
        }
    }

    private long timeoutMillis() {
        BackendGroup g = px.backend(backendName);
        Duration fb = g.resilience().firstByteTimeout();
        return (fb != null && fb.compareTo(px.limits.backendTimeout()) < 0 ? fb : px.limits.backendTimeout()).toMillis();
    }

    /** The whole request is with the backend: the first-byte clock starts (when it is shorter than the idle timeout). */
    private void requestSent() {
        if (attempt == null) {
            return;
        }
        Duration fb = attempt.group.resilience().firstByteTimeout();
        if (fb != null && fb.compareTo(px.limits.backendTimeout()) < 0) {
            int seq = attemptSeq;
            firstByteTimer = ctx.executor().schedule(() -> onAttemptTimeout(seq), fb.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void startTotalTimer(BackendGroup g, int seq) {
        Duration total = g.resilience().totalTimeout();
        if (total != null) {
            totalTimer = ctx.executor().schedule(() -> onTotalTimeout(seq), total.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void onTotalTimeout(int seq) {
        if (seq != attemptSeq || !active || upgraded || connecting) {
            return; // another attempt by now, or still connecting (the connect timeout bounds that)
        }
        if (!responseStarted) {
            onAttemptTimeout(seq);
            return;
        }
        Channel b = detachBackend();
        if (b != null) {
            b.close();
        }
        ctx.close(); // response cut short at the total timeout: the client must see the truncation
    }

    /** No response head in time (first-byte timer, idle timeout or total timeout). */
    private void onAttemptTimeout(int seq) {
        if (seq != attemptSeq || !active || upgraded || connecting || attempt == null || responseStarted) {
            return;
        }
        attempt.failed(Endpoint.Outcome.TIMEOUT);
        Channel b = detachBackend();
        if (b != null) {
            b.close();
        }
        onFailure(ReplayPolicy.Failure.TIMEOUT, FallbackReason.TIMEOUT, replay != null ? replay.head() : null, true);
    }

    private void cancelTimers() {
        if (firstByteTimer != null) {
            firstByteTimer.cancel(false);
            firstByteTimer = null;
        }
        if (totalTimer != null) {
            totalTimer.cancel(false);
            totalTimer = null;
        }
    }

    private void attach(Channel ch) {
        backend = ch;
        backendHandler = (BackendHandler) ch.pipeline().get("relay");
        backendHandler.attach(this);
    }

    private void writeRequest(HttpRequest req) {
        boolean expectContinue = HttpUtil.is100ContinueExpected(req);
        backend.write(req, backend.voidPromise()); // ownership passes to the backend channel
        backendFlushPending = true;
        if (expectContinue) {
            flushBackend(); // the client waits for 100 Continue before sending the body
        }
    }

    private void onContent(HttpContent c) {
        if (!active) {
            ReferenceCountUtil.release(c); // body of a request already answered (e.g. 404): dropped
            return;
        }
        if (c.decoderResult().isFailure()) {
            ReferenceCountUtil.release(c);
            reject(HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed request body framing (invalid chunk)", true);
            return;
        }
        int n = c.content().readableBytes();
        bodyBytes += n;
        if (bodyBytes > px.limits.maxBodyBytes()) {
            ReferenceCountUtil.release(c);
            reject(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                    "request body larger than " + px.limits.maxBodyBytes() + " bytes (limits.maxBodyBytes)", true);
            return;
        }
        if (n > 0) {
            px.metrics.bytesIn(n);
            if (mirror != null) {
                mirror.requestContent(c.content()); // copies; c is still ours to pass on
            }
        }
        boolean last = c instanceof LastHttpContent;
        if (replay != null) {
            replay.add(c); // keeps its own duplicate while the request may be sent again
        }
        backend.write(c, backend.voidPromise()); // ownership passes to the backend channel
        backendFlushPending = true;
        if (last) {
            requestDone = true;
            flushBackend();
            requestSent();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushBackend();
        maybeRead();
    }

    private void flushBackend() {
        if (backendFlushPending && backend != null) {
            backendFlushPending = false;
            backend.flush();
        }
    }

    /**
     * Back-pressure: the client is read only while nothing waits in the inbox and the backend can
     * take more. Auto-read is toggled only on a change, because with epoll every toggle costs an
     * epoll_ctl call; in the common case (one request at a time, small bodies) it never changes.
     */
    private void maybeRead() {
        boolean want = !closing && inbox.isEmpty() && (backend == null || backend.isWritable());
        setAutoRead(ctx.channel(), want);
    }

    private static void setAutoRead(Channel ch, boolean want) {
        if (ch.config().isAutoRead() != want) {
            ch.config().setAutoRead(want); // setting it true also issues a read
        }
    }

    // ---- backend → client ---------------------------------------------------------------------

    void onBackendRead(Object msg) {
        if (upgraded) {
            relay(msg, ctx.channel());
            return;
        }
        if (msg instanceof HttpResponse resp) {
            if (resp.decoderResult().isFailure() || (resp.status().code() == 101 && !upgradeRequested)) {
                ReferenceCountUtil.release(resp);
                failBackend(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", "backend '" + backendName + "' sent an invalid response");
                return;
            }
            onResponseHead(resp);
            return;
        }
        HttpContent c = (HttpContent) msg;
        boolean last = c instanceof LastHttpContent;
        if (interim || upgradePending) {
            ctx.write(c, ctx.voidPromise()); // ownership passes to the client channel
            if (last && upgradePending) {
                switchToRelay();
            } else if (last) {
                interim = false;
                ctx.flush();
            }
            return;
        }
        int n = c.content().readableBytes();
        if (n > 0) {
            px.metrics.bytesOut(n);
            if (mirror != null) {
                mirror.responseContent(c.content()); // copies before the write takes c
            }
        }
        ctx.write(c, ctx.voidPromise()); // ownership passes to the client channel
        if (last) {
            responseComplete();
        }
    }

    private void onResponseHead(HttpResponse resp) {
        int code = resp.status().code();
        if (code == 101) {
            attempt.responded(code);
            upgradePending = true;
            status = code;
            ProxyHeaders.prepareUpgradeResponse(resp);
        } else if (code < 200) {
            interim = true; // 100 Continue and friends: passed on, the final response follows
            ProxyHeaders.stripHopByHop(resp.headers(), false);
        } else {
            if (firstByteTimer != null) {
                firstByteTimer.cancel(false);
                firstByteTimer = null;
            }
            if (code >= 500 && replay != null && onTarget && !fellBack && replay.usable()
                    && ReplayPolicy.decide(ReplayPolicy.Failure.SERVER_ERROR, method, true, true, staleRetried,
                            false, false) == ReplayPolicy.Action.FALLBACK) {
                ReferenceCountUtil.release(resp); // the client gets the legacy backend's answer instead
                attempt.responded(code);
                status = code;
                Channel b = detachBackend();
                if (b != null) {
                    b.close(); // its body is not wanted; closing is cheaper than reading it
                }
                onFailure(ReplayPolicy.Failure.SERVER_ERROR, FallbackReason.SERVER_ERROR, replay.head(), true);
                return;
            }
            attempt.responded(code);
            responseStarted = true;
            status = code;
            backendKeepAlive = HttpUtil.isKeepAlive(resp);
            if (mirror != null) {
                mirror.responseHead(resp);
            }
            responseKeepAlive = ProxyHeaders.prepareResponse(resp, clientKeepAlive && requestDone, clientHttp11, headRequest);
        }
        // Void promises on relay writes: no promise allocation or listener per write; a failed
        // write surfaces as exceptionCaught on that channel, which closes it.
        ctx.write(resp, ctx.voidPromise()); // ownership passes to the client channel
    }

    private void responseComplete() {
        meters.record(status, System.nanoTime() - startNanos);
        MirrorCapture copy = mirror;
        mirror = null;
        Channel b = backend;
        Endpoint endpoint = backendHandler.endpoint();
        detachBackend();
        if (backendKeepAlive && requestDone) {
            px.pool.release(b, endpoint);
        } else {
            b.close();
        }
        boolean keep = responseKeepAlive && requestDone;
        // After a fallback the client's answer came from the other side than the capture assumed:
        // comparing it would be meaningless, so that copy is not sent.
        boolean requestComplete = requestDone && !fellBack;
        endExchange();
        if (!keep) {
            closeAfterFlush();
        } else {
            ctx.flush();
        }
        if (copy != null) {
            copy.primaryComplete(requestComplete); // after the client's response is flushed: never delays it
        }
        if (!keep) {
            return;
        }
        headerTimeout.expectRequest();
        drainInbox();
        maybeRead();
    }

    void onBackendReadComplete() {
        ctx.flush();
        if (backend != null) {
            setAutoRead(backend, ctx.channel().isWritable()); // pause the backend while the client is slow
        }
    }

    void onBackendWritabilityChanged() {
        maybeRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (backend != null) {
            setAutoRead(backend, ctx.channel().isWritable()); // the client drained: resume the response
        }
        ctx.fireChannelWritabilityChanged();
    }

    void onBackendClosed() {
        backend = null;
        backendHandler = null;
        if (upgraded) {
            closeAfterFlush();
        } else if (active && !responseStarted && attempt != null) {
            // A pooled connection that closes before answering was most likely closed by the backend
            // while idle (stale); a fresh one means the endpoint failed mid-way.
            boolean stale = attempt.reused && !interim;
            if (stale) {
                attempt.finish();
            } else {
                attempt.failed(Endpoint.Outcome.RESET);
            }
            onFailure(stale ? ReplayPolicy.Failure.STALE : ReplayPolicy.Failure.RESET,
                    stale ? FallbackReason.STALE_CONNECTION : FallbackReason.RESET,
                    replay != null ? replay.head() : null, true);
        } else if (active && !responseStarted) {
            reject(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", "backend '" + backendName + "' closed the connection before answering", !requestDone);
        } else if (active) {
            ctx.close(); // response cut short: the client must see the truncation
        }
    }

    void onBackendTimeout() {
        if (upgraded || !active) {
            return;
        }
        if (!requestDone && backend != null && backend.isWritable()) {
            return; // still uploading and the backend keeps taking bytes: not silent, just busy
        }
        if (!responseStarted && attempt != null) {
            onAttemptTimeout(attemptSeq);
            return;
        }
        failBackend(HttpResponseStatus.GATEWAY_TIMEOUT, "gateway_timeout",
                "backend '" + backendName + "' did not answer within " + px.limits.backendTimeout().toMillis() + " ms");
    }

    private void failBackend(HttpResponseStatus st, String code, String message) {
        if (attempt != null) {
            attempt.failed(Endpoint.Outcome.RESET);
        }
        Channel b = detachBackend();
        if (b != null) {
            b.close();
        }
        if (responseStarted) {
            ctx.close();
        } else {
            reject(st, code, message, !requestDone);
        }
    }

    // ---- errors, WebSocket, lifecycle ---------------------------------------------------------

    /** Answers the current request with a JSON error made by the proxy; never reuses the backend. */
    private void reject(HttpResponseStatus st, String code, String message, boolean close) {
        reject(st, code, message, close, false);
    }

    private void reject(HttpResponseStatus st, String code, String message, boolean close, boolean outcomeUnknown) {
        Channel b = detachBackend();
        if (b != null) {
            b.close();
        }
        ProxyMetrics.RouteMeters m = meters != null ? meters : px.metrics.meters(ProxyMetrics.NONE, ProxyMetrics.NONE);
        m.record(st.code(), System.nanoTime() - startNanos);
        boolean keep = !close && clientKeepAlive;
        endExchange();
        ctx.write(ErrorResponses.json(ctx.alloc(), st, code, message, keep, outcomeUnknown));
        if (!keep) {
            closeAfterFlush();
            return;
        }
        ctx.flush();
        headerTimeout.expectRequest();
        drainInbox();
        maybeRead(); // may run outside a read cycle (timeouts, connect failures): resume reading here
    }

    private void switchToRelay() {
        upgradePending = false;
        upgraded = true;
        meters.record(status, System.nanoTime() - startNanos);
        ChannelPipeline cp = ctx.pipeline();
        cp.remove(encoder); // the 101 is already encoded into the outbound buffer
        // Either side may be the only one talking in a WebSocket: idle means silent both ways.
        cp.replace(ProxyChannelInitializer.IDLE, ProxyChannelInitializer.IDLE,
                new IdleStateHandler(0, 0, px.limits.webSocketIdleTimeout().toNanos(), TimeUnit.NANOSECONDS));
        cp.remove(headerTimeout);
        cp.remove(HttpObjectDecoder.class); // forwards any buffered bytes to us as a ByteBuf
        backend.pipeline().remove(BackendChannelInitializer.CODEC);
        backend.pipeline().remove(BackendChannelInitializer.TIMEOUT);
        endExchange();
        px.webSockets.add(this);
        px.metrics.webSocketOpened();
        ctx.flush();
        maybeRead();
    }

    private void relay(Object msg, Channel to) {
        if (!(msg instanceof ByteBuf) || to == null || !to.isActive()) {
            ReferenceCountUtil.release(msg); // nowhere to send it
            return;
        }
        to.write(msg, to.voidPromise()); // ownership passes to the other channel; flushed on read complete
        if (to != ctx.channel()) {
            backendFlushPending = true;
        }
    }

    boolean isWebSocketOn(String route, String backendName) {
        return upgraded && route.equals(routeId) && backendName.equals(this.backendName);
    }

    Channel clientChannel() {
        return ctx.channel();
    }

    /** Forced rollback: tell the client "going away" (1001) and drop the backend session. */
    void goAway() {
        if (!upgraded || closing || !ctx.channel().isActive()) {
            return;
        }
        Channel b = detachBackend();
        if (b != null) {
            b.close();
        }
        closing = true;
        ctx.writeAndFlush(Unpooled.wrappedBuffer(WS_GOING_AWAY)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HeaderTimeoutHandler.TIMEOUT_EVENT && !active && !upgraded && !closing) {
            startExchange();
            reject(HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout",
                    "request headers not received within " + px.limits.headerTimeout().toMillis() + " ms", true);
        } else if (evt instanceof IdleStateEvent && (!active || upgraded)) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        endExchange();
        Channel b = detachBackend();
        if (b != null) {
            b.close();
        }
        if (pendingRequest != null) {
            ReferenceCountUtil.release(pendingRequest);
            pendingRequest = null;
        }
        releaseInbox();
        if (upgraded) {
            px.webSockets.remove(this);
            px.metrics.webSocketClosed();
        }
        px.metrics.connectionClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Client I/O errors (reset, broken pipe) end the connection; they are not the proxy's fault.
        LOG.debug("client connection error: {}", cause.toString());
        ctx.close();
    }

    private void startExchange() {
        active = true;
        startNanos = System.nanoTime();
        routeId = null;
        backendName = null;
        meters = null;
        requestDone = false;
        responseStarted = false;
        interim = false;
        upgradeRequested = false;
        upgradePending = false;
        clientKeepAlive = true;
        bodyBytes = 0;
        status = 0;
        route = null;
        method = null;
        onTarget = false;
        fellBack = false;
        staleRetried = false;
        sameBackendRetries = 0;
        resendChunks = false;
        dispatches = 0;
        mirror = null;
    }

    private void endExchange() {
        if (active && routeId != null) {
            px.inFlight.decrement();
        }
        active = false;
        cancelTimers();
        if (attempt != null) {
            attempt.finish();
            attempt = null;
        }
        if (replay != null) {
            replay.release();
            replay = null;
        }
    }

    private Channel detachBackend() {
        Channel b = backend;
        if (backendHandler != null) {
            backendHandler.detach();
        }
        backend = null;
        backendHandler = null;
        backendFlushPending = false;
        return b;
    }

    private void closeAfterFlush() {
        closing = true;
        releaseInbox();
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseInbox() {
        Object m;
        while ((m = inbox.poll()) != null) {
            ReferenceCountUtil.release(m); // queued messages die with the connection
        }
    }

    private static String path(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }
}
