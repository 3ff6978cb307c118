package dev.strangler.sample.http.internal;

import dev.strangler.sample.http.HttpError;
import dev.strangler.sample.http.Request;
import dev.strangler.sample.http.Response;
import dev.strangler.sample.http.WebSocketListener;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one aggregated request, runs its handler on the blocking executor and writes the
 * answer back on the event loop. One request at a time per connection: auto-read is off while
 * a handler runs, which keeps responses in request order and is our back-pressure.
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(HttpRequestHandler.class);

    private final ServerContext context;
    private final Router router;
    private final Responses responses;

    HttpRequestHandler(ServerContext context, Router router, Responses responses) {
        this.context = context;
        this.router = router;
        this.responses = responses;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        // SimpleChannelInboundHandler releases req when we return: copy what we keep.
        String requestId = RequestIds.next();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.decoderResult().isFailure()) {
            write(ctx, responses.error(HttpError.badRequest("HTTP request could not be parsed: "
                    + req.decoderResult().cause().getMessage()), requestId), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        List<String> segments = dev.strangler.sample.http.PathTemplate.split(uri.path());
        if (isWebSocketUpgrade(req)) {
            upgrade(ctx, req, uri, segments, requestId);
            return;
        }
        Router.Match match;
        try {
            match = router.match(req.method().name(), uri.path(), segments);
        } catch (HttpError e) {
            write(ctx, responses.error(e, requestId), keepAlive);
            return;
        }
        Request request = new Request(req.method().name(), uri.path(), requestId, match.params(),
                uri.parameters(), headersOf(req.headers()), ByteBufUtil.getBytes(req.content()), context.mapper());
        ctx.channel().config().setAutoRead(false);
        submit(ctx, requestId, keepAlive, () -> {
            try {
                return responses.toHttp(match.handler().handle(request), requestId);
            } catch (HttpError e) {
                return responses.error(e, requestId);
            } catch (Exception | Error e) {
                // The route template, not the path: paths carry ids, and no PHI goes to logs.
                log.error("{}: {} {} failed (request {})", context.name(), request.method(), match.template(),
                        requestId, e);
                return internalError(requestId);
            }
        });
    }

    private FullHttpResponse internalError(String requestId) {
        return responses.error(new HttpError(500, "internal_error",
                "the server failed to handle the request (request id " + requestId + ")"), requestId);
    }

    /** Work that builds a response off the event loop. */
    private interface ResponseWork {
        FullHttpResponse run();
    }

    private void submit(ChannelHandlerContext ctx, String requestId, boolean keepAlive, ResponseWork work) {
        try {
            context.executor().execute(() -> {
                FullHttpResponse resp = work.run();
                // Ownership of resp passes to the event loop, then to the channel (released once written).
                ctx.channel().eventLoop().execute(() -> write(ctx, resp, keepAlive));
            });
        } catch (RejectedExecutionException e) {
            write(ctx, responses.error(new HttpError(503, "overloaded",
                    "server busy: too many requests waiting (retry later)"), requestId), keepAlive);
        }
    }

    private void write(ChannelHandlerContext ctx, FullHttpResponse resp, boolean keepAlive) {
        HttpUtil.setKeepAlive(resp, keepAlive);
        ctx.writeAndFlush(resp).addListener((ChannelFutureListener) f -> {
            if (!keepAlive || !f.isSuccess()) {
                f.channel().close();
            } else {
                f.channel().config().setAutoRead(true); // ready for the next request on this connection
            }
        });
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri,
            List<String> segments, String requestId) {
        var match = router.matchWebSocket(segments);
        if (match.isEmpty() || req.method() != HttpMethod.GET) {
            write(ctx, responses.error(new HttpError(404, "no_route", uri.path() + ": no WebSocket endpoint"),
                    requestId), false);
            return;
        }
        Request request = new Request("GET", uri.path(), requestId, match.get().params(), uri.parameters(),
                headersOf(req.headers()), new byte[0], context.mapper());
        // A detached copy for the handshake, which happens after the acceptor ran on a worker.
        FullHttpRequest handshakeRequest = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                req.uri(), Unpooled.EMPTY_BUFFER, req.headers().copy(), EmptyHttpHeaders.INSTANCE);
        ctx.channel().config().setAutoRead(false); // nothing to read until the upgrade is answered
        try {
            context.executor().execute(() -> {
                WebSocketListener listener;
                try {
                    listener = match.get().route().acceptor().accept(request);
                } catch (HttpError e) {
                    ctx.channel().eventLoop().execute(() -> write(ctx, responses.error(e, requestId), false));
                    return;
                } catch (Exception | Error e) {
                    log.error("{}: WebSocket accept on {} failed (request {})", context.name(),
                            match.get().route().template(), requestId, e);
                    ctx.channel().eventLoop().execute(() -> write(ctx, internalError(requestId), false));
                    return;
                }
                ctx.channel().eventLoop().execute(() -> completeUpgrade(ctx, handshakeRequest, listener));
            });
        } catch (RejectedExecutionException e) {
            write(ctx, responses.error(new HttpError(503, "overloaded",
                    "server busy: too many requests waiting (retry later)"), requestId), false);
        }
    }

    private void completeUpgrade(ChannelHandlerContext ctx, FullHttpRequest req, WebSocketListener listener) {
        String url = "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + req.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, null, true,
                context.maxFrameBytes()).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        WebSocketFrameHandler frames = new WebSocketFrameHandler(context.name(), handshaker, listener);
        ctx.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(context.maxFrameBytes()));
        ctx.pipeline().replace(this, "ws-frames", frames);
        // The handshaker swaps the HTTP codec for WebSocket codecs and drops the HTTP aggregator.
        handshaker.handshake(ctx.channel(), req).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                frames.opened(f.channel());
                f.channel().config().setAutoRead(true);
            } else {
                f.channel().close();
            }
        });
    }

    private static boolean isWebSocketUpgrade(FullHttpRequest req) {
        return req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private static Map<String, String> headersOf(HttpHeaders headers) {
        Map<String, String> out = new HashMap<>();
        headers.forEach(e -> out.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        return out;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: connection {} failed: {}", context.name(), ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
