package dev.strangler.proxy.mirror;

import dev.strangler.proxy.backend.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idle keep-alive mirror connections, per sending thread and per endpoint (LIFO, like the proxy's own
 * backend pool): a copy reuses a warm connection of its own event loop, so no locks and no thread
 * hops. Mirror connections are separate from the primary path's, so a slow shadow never holds a
 * connection a client request needs. Connections to an endpoint that left its backend are closed
 * when they come back.
 */
final class MirrorPool {

    private static final int MAX_IDLE_PER_ENDPOINT = 64;

    private final Bootstrap template;
    private final FastThreadLocal<Map<Endpoint, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<Endpoint, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    MirrorPool(Class<? extends Channel> channelClass, Duration timeout) {
        this.template = new Bootstrap().channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(2000, timeout.toMillis()));
    }

    /** An idle open connection to {@code endpoint} of the calling thread, or null. */
    Channel poll(Endpoint endpoint) {
        ArrayDeque<Channel> deque = idle.get().get(endpoint);
        if (deque == null) {
            return null;
        }
        Channel ch;
        while ((ch = deque.pollLast()) != null) {
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    ChannelFuture connect(EventLoop loop, Endpoint endpoint, MirrorConnectionHandler handler) {
        Bootstrap b = template.clone(loop);
        b.handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("http-client", new HttpClientCodec(8192, 16 * 1024, 64 * 1024));
                ch.pipeline().addLast("mirror", handler);
            }
        });
        return b.connect(endpoint.address());
    }

    /** Back to the pool after a complete keep-alive exchange; closed when the pool is full or the endpoint left. */
    void release(Channel ch, Endpoint endpoint) {
        if (!ch.isActive() || endpoint.removed()) {
            ch.close();
            return;
        }
        ArrayDeque<Channel> deque = idle.get().computeIfAbsent(endpoint, e -> new ArrayDeque<>());
        if (deque.size() >= MAX_IDLE_PER_ENDPOINT) {
            ch.close();
            return;
        }
        deque.addLast(ch); // auto-read stays on: a backend closing an idle connection is noticed at once
    }

    /** Forgets a pooled connection that closed (on its event loop). */
    void forget(Channel ch, Endpoint endpoint) {
        ArrayDeque<Channel> deque = idle.get().get(endpoint);
        if (deque != null) {
            deque.remove(ch);
        }
    }
}
