package dev.strangler.sample.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.sample.http.internal.ServerChannelInitializer;
import dev.strangler.sample.http.internal.ServerContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small Netty HTTP/1.1 + WebSocket server for the sample apps: routes by method and path
 * template, JSON bodies through Jackson, errors as JSON, request bodies limited, and handlers
 * run on a bounded blocking executor so JDBC never runs on an event loop.
 *
 * <p>Every JSON object it answers gets two server-generated fields, {@code requestId} and
 * {@code servedAt} (unless turned off): the per-response noise a shadow comparator must learn
 * to ignore. The same id is sent as {@code X-Request-Id}.
 */
public final class SampleServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SampleServer.class);

    private final String name;
    private final EventLoopGroup group;
    private final ThreadPoolExecutor executor;
    private final Channel serverChannel;
    private final int port;

    private SampleServer(Builder b) {
        this.name = b.name;
        this.executor = new ThreadPoolExecutor(b.blockingThreads, b.blockingThreads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(b.queueCapacity), new DefaultThreadFactory(b.name + "-work", true));
        this.group = new MultiThreadIoEventLoopGroup(b.ioThreads, new DefaultThreadFactory(b.name + "-io", true),
                NioIoHandler.newFactory());
        ServerContext context = new ServerContext(b.name, b.routes, b.mapper, b.clock, executor,
                b.stampResponses, b.maxBodyBytes, b.maxFrameBytes);
        try {
            this.serverChannel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ServerChannelInitializer(context))
                    .bind(b.host, b.port)
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            shutdownPools();
            throw new IllegalStateException(b.name + ": could not listen on " + b.host + ":" + b.port
                    + " (is the port in use?): " + e.getMessage(), e);
        }
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        log.info("{} listening on {}:{} ({} blocking threads, bodies up to {} bytes)",
                b.name, b.host, port, b.blockingThreads, b.maxBodyBytes);
    }

    /** A builder for a server called {@code name} (thread names, logs). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The bound port (the real one when 0 was asked for). */
    public int port() {
        return port;
    }

    /** Stops accepting, closes open connections (WebSockets included) and stops the pools. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        shutdownPools();
        log.info("{} on port {} stopped", name, port);
    }

    private void shutdownPools() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Settings of a server; {@link #start()} binds it. */
    public static final class Builder {
        private final String name;
        private String host = "127.0.0.1";
        private int port;
        private Routes routes = new Routes();
        private ObjectMapper mapper = SampleJson.newMapper();
        private Clock clock = Clock.systemUTC();
        private int ioThreads = 2;
        private int blockingThreads = 16;
        private int queueCapacity = 1024;
        private int maxBodyBytes = 64 * 1024;
        private int maxFrameBytes = 64 * 1024;
        private boolean stampResponses = true;

        private Builder(String name) {
            this.name = requireNonNull(name, "name");
        }

        /** Address to bind; default 127.0.0.1. */
        public Builder host(String host) {
            this.host = requireNonNull(host, "host");
            return this;
        }

        /** Port to bind; 0 (default) picks a free one, see {@link SampleServer#port()}. */
        public Builder port(int port) {
            this.port = checkRange("port", port, 0, 65_535);
            return this;
        }

        public Builder routes(Routes routes) {
            this.routes = requireNonNull(routes, "routes");
            return this;
        }

        public Builder mapper(ObjectMapper mapper) {
            this.mapper = requireNonNull(mapper, "mapper");
            return this;
        }

        /** Source of the {@code servedAt} stamp. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        public Builder ioThreads(int n) {
            this.ioThreads = checkRange("ioThreads", n, 1, 64);
            return this;
        }

        /** Threads running handlers (size it like the JDBC pool); default 16. */
        public Builder blockingThreads(int n) {
            this.blockingThreads = checkRange("blockingThreads", n, 1, 1024);
            return this;
        }

        /** Requests waiting for a handler thread before new ones get 503; default 1024. */
        public Builder queueCapacity(int n) {
            this.queueCapacity = checkRange("queueCapacity", n, 1, 1_000_000);
            return this;
        }

        /** Largest request body; bigger ones get 413. Default 64 KiB. */
        public Builder maxBodyBytes(int n) {
            this.maxBodyBytes = checkRange("maxBodyBytes", n, 0, 64 * 1024 * 1024);
            return this;
        }

        /** Largest WebSocket message; bigger ones close the connection with 1009. Default 64 KiB. */
        public Builder maxFrameBytes(int n) {
            this.maxFrameBytes = checkRange("maxFrameBytes", n, 125, 16 * 1024 * 1024);
            return this;
        }

        /** Whether JSON object responses get {@code requestId} and {@code servedAt}; default true. */
        public Builder stampResponses(boolean stamp) {
            this.stampResponses = stamp;
            return this;
        }

        /** Binds and starts serving. */
        public SampleServer start() {
            return new SampleServer(this);
        }

        private int checkRange(String what, int v, int min, int max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + ": " + what + " " + v + " (expected: " + min + ".." + max + ")");
            }
            return v;
        }
    }
}
