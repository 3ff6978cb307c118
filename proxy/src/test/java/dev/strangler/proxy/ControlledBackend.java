package dev.strangler.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real HTTP backend whose failures a test switches on and off: answer normally, answer
 * 500, hang (never answer), close without answering, drop every request that is not the first
 * on its connection (what a backend that closes idle keep-alive connections looks like to a
 * client that reuses one at the wrong moment). It can be killed (listener and every connection
 * closed) and restarted on the same port. Answers {@code {"backend":NAME,"method":..}} with
 * {@code X-Backend: NAME}; {@code /healthz} answers 200 while the mode is OK.
 */
final class ControlledBackend implements AutoCloseable {

    enum Mode { OK, ERROR_500, HANG, CLOSE }

    private static final AttributeKey<Integer> SEEN = AttributeKey.valueOf("seen");
    final String name;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final int port;
    private volatile Channel server;
    volatile Mode mode = Mode.OK;
    /** Requests after the first on a connection are dropped by closing the connection. */
    volatile boolean dropReused;
    /** Requests whose path contains this are hung (never answered) whatever the mode. */
    volatile String hangPath = "/hang";
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    final Map<String, AtomicInteger> byMethod = new ConcurrentHashMap<>();

    private ControlledBackend(String name, int port) throws InterruptedException {
        this.name = name;
        this.server = bind(port);
        this.port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    static ControlledBackend start(String name) throws InterruptedException {
        return new ControlledBackend(name, 0);
    }

    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    HostPort address() {
        return new HostPort("127.0.0.1", port);
    }

    int count(String method) {
        AtomicInteger n = byMethod.get(method);
        return n == null ? 0 : n.get();
    }

    private Channel bind(int p) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        open.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                }).bind("127.0.0.1", p).sync().channel();
    }

    /** Closes the listener and every open connection: new connects are refused, in-flight ones reset. */
    void kill() {
        server.close().syncUninterruptibly();
        open.close().syncUninterruptibly();
    }

    /**
     * Listens again on the same port. NIO closes a listening socket only when its selector next
     * runs, so the port may still be taken for a moment: bind is retried until a deadline.
     */
    void restart() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                server = bind(port);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot listen on port " + port + " again", e);
                }
                Thread.sleep(10); // polling interval while the old socket closes
            }
        }
    }

    @Override
    public void close() {
        kill();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            Integer seen = ctx.channel().attr(SEEN).get();
            ctx.channel().attr(SEEN).set(seen == null ? 1 : seen + 1);
            String path = req.uri();
            if (path.startsWith("/healthz")) {
                respond(ctx, req, mode == Mode.OK ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE);
                return;
            }
            if (dropReused && seen != null) {
                ctx.close(); // as if the backend had closed this idle connection just before the request came
                return;
            }
            requests.incrementAndGet();
            byMethod.computeIfAbsent(req.method().name(), k -> new AtomicInteger()).incrementAndGet();
            Mode m = mode;
            if (path.contains(hangPath) || m == Mode.HANG) {
                return;
            }
            if (m == Mode.CLOSE) {
                ctx.close();
                return;
            }
            respond(ctx, req, m == Mode.ERROR_500 ? HttpResponseStatus.INTERNAL_SERVER_ERROR : HttpResponseStatus.OK);
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus st) {
            byte[] body = ("{\"backend\":\"" + name + "\",\"method\":\"" + req.method() + "\",\"bodyBytes\":"
                    + req.content().readableBytes() + "}").getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, st, Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length).set("X-Backend", name);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!req.uri().startsWith("/healthz")) {
                answered.incrementAndGet();
            }
            var f = ctx.writeAndFlush(r);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
