package dev.strangler.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tiny real HTTP backend for tests. Answers every request with 200 and a JSON description of what
 * it received (method, uri, body size, selected headers) and {@code X-Backend: NAME}. Special paths:
 * {@code /slow} never answers, {@code /close} drops the connection, {@code /chunked} answers chunked,
 * {@code /ws} is a WebSocket echo, {@code ?delayMs=N} answers after N ms, {@code /status/NNN} answers
 * with status NNN. Streams request bodies (counts, never buffers them).
 */
final class TestBackend implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String name;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicReference<HttpHeaders> lastHeaders = new AtomicReference<>();
    final AtomicReference<String> lastUri = new AtomicReference<>();
    final Map<Channel, Boolean> openWebSockets = new ConcurrentHashMap<>();

    private TestBackend(String name) throws InterruptedException {
        this.name = name;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(), new Handler());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    static TestBackend start(String name) throws InterruptedException {
        return new TestBackend(name);
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<Object> {
        private HttpRequest request;
        private long bodyBytes;
        private WebSocketServerHandshaker handshaker;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof WebSocketFrame frame) {
                onFrame(ctx, frame);
                return;
            }
            if (msg instanceof HttpRequest req) {
                request = req;
                bodyBytes = 0;
                requests.incrementAndGet();
                lastHeaders.set(req.headers().copy());
                lastUri.set(req.uri());
                if (req.uri().contains("/close")) {
                    ctx.close();
                    return;
                }
            }
            if (msg instanceof HttpContent c) {
                bodyBytes += c.content().readableBytes();
            }
            if (msg instanceof LastHttpContent && request != null) {
                respond(ctx, request);
            }
        }

        private void respond(ChannelHandlerContext ctx, HttpRequest req) {
            String uri = req.uri();
            if (uri.contains("/slow")) {
                return;
            }
            java.util.regex.Matcher delay = java.util.regex.Pattern.compile("[?&]delayMs=(\\d+)").matcher(uri);
            if (delay.find()) {
                String undelayed = uri.replace(delay.group(0), delay.group(0).charAt(0) == '?' ? "?" : "");
                req.setUri(undelayed);
                ctx.executor().schedule(() -> respond(ctx, req), Long.parseLong(delay.group(1)),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
                return;
            }
            if (uri.contains("/ws")) {
                var factory = new WebSocketServerHandshakerFactory("ws://localhost/ws", null, false);
                var full = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, req.method(), uri, Unpooled.EMPTY_BUFFER,
                        req.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
                handshaker = factory.newHandshaker(full);
                handshaker.handshake(ctx.channel(), full);
                // clients split long messages into frames; echo whole messages
                ctx.pipeline().addBefore(ctx.name(), "ws-aggregator",
                        new io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator(1 << 20));
                openWebSockets.put(ctx.channel(), true);
                ctx.channel().closeFuture().addListener(f -> openWebSockets.remove(ctx.channel()));
                return;
            }
            ObjectNode n = JSON.createObjectNode();
            n.put("backend", name).put("method", req.method().name()).put("uri", uri).put("bodyBytes", bodyBytes);
            ObjectNode h = n.putObject("headers");
            for (Map.Entry<String, String> e : req.headers()) {
                h.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue());
            }
            byte[] body = n.toString().getBytes(StandardCharsets.UTF_8);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (uri.contains("/chunked")) {
                var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked").set("X-Backend", name);
                ctx.write(head);
                for (int i = 0; i < 3; i++) {
                    ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("part" + i + ";", StandardCharsets.UTF_8)));
                }
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            java.util.regex.Matcher st = java.util.regex.Pattern.compile("/status/(\\d{3})").matcher(uri);
            HttpResponseStatus status = st.find() ? HttpResponseStatus.valueOf(Integer.parseInt(st.group(1)))
                    : HttpResponseStatus.OK;
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set("X-Backend", name).set("Keep-Alive", "timeout=5").set("Connection", keepAlive ? "keep-alive, X-Secret-Hop" : "close")
                    .set("X-Secret-Hop", "must-not-leak");
            var f = ctx.writeAndFlush(r);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        private void onFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                handshaker.close(ctx.channel(), close.retain());
            } else if (frame instanceof TextWebSocketFrame text) {
                ctx.writeAndFlush(new TextWebSocketFrame(name + ":" + text.text()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

}
