package dev.strangler.proxy.internal;

import dev.strangler.proxy.backend.Endpoint;
import dev.strangler.proxy.backend.FallbackReason;
import dev.strangler.proxy.backend.Idempotency;
import dev.strangler.proxy.mirror.MirrorCapture;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.StickyBucketer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: routes each request, hands it to the {@link Dispatcher} (which leases a
 * backend connection on the same event loop and tries again or falls back when an attempt fails),
 * streams the request body to the backend and the response back, one exchange at a time
 * (pipelined requests wait in {@link #inbox}). Auto-read is switched off on a side while the other
 * cannot take more (see {@link #maybeRead()}): a side is read only while the other side is
 * writable, which bounds memory for bodies of any size. After a WebSocket 101 both channels become
 * a raw byte relay.
 *
 * <p>The state of the current request lives in {@link Exchange}, the backend channel in
 * {@link BackendLink}; both are per connection and reused, so a request allocates nothing for them.
 *
 * <p>Everything here runs on the client channel's event loop; the backend channel shares it.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);
    /** WebSocket close frame, server to client (unmasked), status 1001 "going away". */
    private static final byte[] WS_GOING_AWAY = {(byte) 0x88, 0x02, 0x03, (byte) 0xE9};

    private final ProxyContext px;
    private final HeaderTimeoutHandler headerTimeout;
    private final ClientResponseEncoder encoder;
    private final ArrayDeque<Object> inbox = new ArrayDeque<>(4);
    private final Exchange x = new Exchange();
    private final BackendLink link = new BackendLink();
    private ChannelHandlerContext ctx;
    private Dispatcher dispatcher;
    private String clientIp = "unknown";

    // Connection state.
    private boolean upgraded;
    private boolean closing;
    private boolean draining;

    FrontendHandler(ProxyContext px, HeaderTimeoutHandler headerTimeout, ClientResponseEncoder encoder) {
        this.px = px;
        this.headerTimeout = headerTimeout;
        this.encoder = encoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.dispatcher = new Dispatcher(px, ctx, this, x, link);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress isa && isa.getAddress() != null) {
            clientIp = isa.getAddress().getHostAddress();
        }
        px.metrics.connectionOpened();
        ctx.fireChannelActive();
    }

    boolean closing() {
        return closing;
    }

    boolean upgraded() {
        return upgraded;
    }

    // ---- client → proxy ----------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg); // connection is going away; nothing more is forwarded
            return;
        }
        if (upgraded) {
            relay(msg, link.channel());
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
        return x.active && (link.connecting || x.requestDone);
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

    /** A request went to a backend outside the client's read cycle: move on what waits, flush, read again. */
    void resume() {
        drainInbox();
        link.flush();
        maybeRead();
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
        x.start();
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
        x.clientHttp11 = req.protocolVersion().equals(HttpVersion.HTTP_1_1);
        x.clientKeepAlive = HttpUtil.isKeepAlive(req);
        x.headRequest = HttpMethod.HEAD.equals(req.method());
        encoder.headRequest(x.headRequest);
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
        x.route = route;
        x.routeId = route.id();
        x.method = req.method().name();
        x.upgradeRequested = ProxyHeaders.isWebSocketUpgrade(req);
        ProxyHeaders.prepareRequest(req, clientIp, x.upgradeRequested);
        x.originalUri = uri;
        x.mirror = x.upgradeRequested ? null : px.mirror.capture(route, toTarget, req, uri, ctx.channel().eventLoop());
        px.inFlight.increment();
        String first = toTarget ? route.target() : route.legacy();
        if (!x.upgradeRequested && Idempotency.idempotent(x.method)) {
            x.replay = new ReplayBuffer(req, px.backend(first).resilience().replayBufferBytes());
        }
        dispatcher.dispatch(req, first, toTarget, null, false, false);
    }

    private void onContent(HttpContent c) {
        if (!x.active) {
            ReferenceCountUtil.release(c); // body of a request already answered (e.g. 404): dropped
            return;
        }
        if (c.decoderResult().isFailure()) {
            ReferenceCountUtil.release(c);
            reject(HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed request body framing (invalid chunk)", true);
            return;
        }
        int n = c.content().readableBytes();
        x.bodyBytes += n;
        if (x.bodyBytes > px.limits.maxBodyBytes()) {
            ReferenceCountUtil.release(c);
            reject(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                    "request body larger than " + px.limits.maxBodyBytes() + " bytes (limits.maxBodyBytes)", true);
            return;
        }
        if (n > 0) {
            px.metrics.bytesIn(n);
            if (x.mirror != null) {
                x.mirror.requestContent(c.content()); // copies; c is still ours to pass on
            }
        }
        boolean last = c instanceof LastHttpContent;
        if (x.replay != null) {
            x.replay.add(c); // keeps its own duplicate while the request may be sent again
        }
        link.write(c); // ownership passes to the backend channel
        if (last) {
            x.requestDone = true;
            link.flush();
            dispatcher.requestSent();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        link.flush();
        maybeRead();
    }

    /**
     * Back-pressure: the client is read only while nothing waits in the inbox and the backend can
     * take more.
     */
    private void maybeRead() {
        boolean want = !closing && inbox.isEmpty() && link.writable();
        BackendLink.setAutoRead(ctx.channel(), want);
    }

    // ---- backend → client ---------------------------------------------------------------------

    void onBackendRead(Object msg) {
        if (upgraded) {
            relay(msg, ctx.channel());
            return;
        }
        if (msg instanceof HttpResponse resp) {
            if (resp.decoderResult().isFailure() || (resp.status().code() == 101 && !x.upgradeRequested)) {
                ReferenceCountUtil.release(resp);
                failBackend(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", "backend '" + x.backendName + "' sent an invalid response");
                return;
            }
            onResponseHead(resp);
            return;
        }
        HttpContent c = (HttpContent) msg;
        boolean last = c instanceof LastHttpContent;
        if (x.interim || x.upgradePending) {
            ctx.write(c, ctx.voidPromise()); // ownership passes to the client channel
            if (last && x.upgradePending) {
                switchToRelay();
            } else if (last) {
                x.interim = false;
                ctx.flush();
            }
            return;
        }
        int n = c.content().readableBytes();
        if (n > 0) {
            px.metrics.bytesOut(n);
            if (x.mirror != null) {
                x.mirror.responseContent(c.content()); // copies before the write takes c
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
            x.attempt.responded(code);
            x.upgradePending = true;
            x.status = code;
            ProxyHeaders.prepareUpgradeResponse(resp);
        } else if (code < 200) {
            x.interim = true; // 100 Continue and friends: passed on, the final response follows
            ProxyHeaders.stripHopByHop(resp.headers(), false);
        } else {
            x.cancelFirstByteTimer();
            if (code >= 500 && FallbackDecision.replaysServerError(x)) {
                ReferenceCountUtil.release(resp); // the client gets the legacy backend's answer instead
                x.attempt.responded(code);
                x.status = code;
                link.detachAndClose(); // its body is not wanted; closing is cheaper than reading it
                dispatcher.onFailure(ReplayPolicy.Failure.SERVER_ERROR, FallbackReason.SERVER_ERROR, x.replay.head(), true);
                return;
            }
            x.attempt.responded(code);
            x.responseStarted = true;
            x.status = code;
            x.backendKeepAlive = HttpUtil.isKeepAlive(resp);
            if (x.mirror != null) {
                x.mirror.responseHead(resp);
            }
            x.responseKeepAlive = ProxyHeaders.prepareResponse(resp, x.clientKeepAlive && x.requestDone, x.clientHttp11, x.headRequest);
        }
        // Void promises on relay writes: no promise allocation or listener per write; a failed
        // write surfaces as exceptionCaught on that channel, which closes it.
        ctx.write(resp, ctx.voidPromise()); // ownership passes to the client channel
    }

    private void responseComplete() {
        x.meters.record(x.status, x.elapsedNanos());
        MirrorCapture copy = x.mirror;
        x.mirror = null;
        Endpoint endpoint = link.handler().endpoint();
        Channel b = link.detach();
        if (x.backendKeepAlive && x.requestDone) {
            px.pool.release(b, endpoint);
        } else {
            b.close();
        }
        boolean keep = x.responseKeepAlive && x.requestDone;
        // After a fallback the client's answer came from the other side than the capture assumed:
        // comparing it would be meaningless, so that copy is not sent.
        boolean requestComplete = x.requestDone && !x.fellBack;
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
        link.autoRead(ctx.channel().isWritable()); // pause the backend while the client is slow
    }

    void onBackendWritabilityChanged() {
        maybeRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        link.autoRead(ctx.channel().isWritable()); // the client drained: resume the response
        ctx.fireChannelWritabilityChanged();
    }

    void onBackendClosed() {
        link.closed();
        if (upgraded) {
            closeAfterFlush();
        } else if (x.active && !x.responseStarted && x.attempt != null) {
            // A pooled connection that closes before answering was most likely closed by the backend
            // while idle (stale); a fresh one means the endpoint failed mid-way.
            boolean stale = x.attempt.reused && !x.interim;
            if (stale) {
                x.attempt.finish();
            } else {
                x.attempt.failed(Endpoint.Outcome.RESET);
            }
            dispatcher.onFailure(stale ? ReplayPolicy.Failure.STALE : ReplayPolicy.Failure.RESET,
                    stale ? FallbackReason.STALE_CONNECTION : FallbackReason.RESET, x.replayHead(), true);
        } else if (x.active && !x.responseStarted) {
            reject(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", "backend '" + x.backendName + "' closed the connection before answering", !x.requestDone);
        } else if (x.active) {
            ctx.close(); // response cut short: the client must see the truncation
        }
    }

    void onBackendTimeout() {
        if (upgraded || !x.active) {
            return;
        }
        if (!x.requestDone && link.attached() && link.channel().isWritable()) {
            return; // still uploading and the backend keeps taking bytes: not silent, just busy
        }
        if (!x.responseStarted && x.attempt != null) {
            dispatcher.onAttemptTimeout(x.attemptSeq);
            return;
        }
        failBackend(HttpResponseStatus.GATEWAY_TIMEOUT, "gateway_timeout",
                "backend '" + x.backendName + "' did not answer within " + px.limits.backendTimeout().toMillis() + " ms");
    }

    private void failBackend(HttpResponseStatus st, String code, String message) {
        if (x.attempt != null) {
            x.attempt.failed(Endpoint.Outcome.RESET);
        }
        link.detachAndClose();
        if (x.responseStarted) {
            ctx.close();
        } else {
            reject(st, code, message, !x.requestDone);
        }
    }

    // ---- errors, WebSocket, lifecycle ---------------------------------------------------------

    /** Answers the current request with a JSON error made by the proxy; never reuses the backend. */
    private void reject(HttpResponseStatus st, String code, String message, boolean close) {
        reject(st, code, message, close, false);
    }

    void reject(FallbackDecision.ProxyError e) {
        reject(e.status(), e.code(), e.message(), e.close(), e.outcomeUnknown());
    }

    private void reject(HttpResponseStatus st, String code, String message, boolean close, boolean outcomeUnknown) {
        link.detachAndClose();
        ProxyMetrics.RouteMeters m = x.meters != null ? x.meters : px.metrics.meters(ProxyMetrics.NONE, ProxyMetrics.NONE);
        m.record(st.code(), x.elapsedNanos());
        boolean keep = !close && x.clientKeepAlive;
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
        x.upgradePending = false;
        upgraded = true;
        x.meters.record(x.status, x.elapsedNanos());
        ChannelPipeline cp = ctx.pipeline();
        cp.remove(encoder); // the 101 is already encoded into the outbound buffer
        // Either side may be the only one talking in a WebSocket: idle means silent both ways.
        cp.replace(ProxyChannelInitializer.IDLE, ProxyChannelInitializer.IDLE,
                new IdleStateHandler(0, 0, px.limits.webSocketIdleTimeout().toNanos(), TimeUnit.NANOSECONDS));
        cp.remove(headerTimeout);
        cp.remove(HttpObjectDecoder.class); // forwards any buffered bytes to us as a ByteBuf
        link.channel().pipeline().remove(BackendChannelInitializer.CODEC);
        link.channel().pipeline().remove(BackendChannelInitializer.TIMEOUT);
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
        if (to != ctx.channel()) {
            link.write(msg); // flushed on read complete
        } else {
            to.write(msg, to.voidPromise()); // ownership passes to the client channel; flushed on read complete
        }
    }

    boolean isWebSocketOn(String route, String backendName) {
        return upgraded && route.equals(x.routeId) && backendName.equals(x.backendName);
    }

    Channel clientChannel() {
        return ctx.channel();
    }

    /** Forced rollback: tell the client "going away" (1001) and drop the backend session. */
    void goAway() {
        if (!upgraded || closing || !ctx.channel().isActive()) {
            return;
        }
        link.detachAndClose();
        closing = true;
        ctx.writeAndFlush(Unpooled.wrappedBuffer(WS_GOING_AWAY)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HeaderTimeoutHandler.TIMEOUT_EVENT && !x.active && !upgraded && !closing) {
            x.start();
            reject(HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout",
                    "request headers not received within " + px.limits.headerTimeout().toMillis() + " ms", true);
        } else if (evt instanceof IdleStateEvent && (!x.active || upgraded)) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        endExchange();
        link.detachAndClose();
        link.releasePending();
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

    private void endExchange() {
        if (x.end()) {
            px.inFlight.decrement();
        }
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
