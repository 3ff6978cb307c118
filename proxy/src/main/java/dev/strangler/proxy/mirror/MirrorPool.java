package dev.strangler.proxy.mirror;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Idle keep-alive mirror connections, per sending thread and per backend (LIFO, like the proxy's own
 * backend pool): a copy reuses a warm connection of its own event loop, so no locks and no thread
 * hops. Mirror connections are separate from the primary path's, so a slow shadow never holds a
 * connection a client request needs.
 */
final class MirrorPool {

    private static final int MAX_IDLE_PER_BACKEND = 64;

    private final InetSocketAddress[] addresses;
    private final Bootstrap template;
    private final FastThreadLocal<ArrayDeque<Channel>[]> idle;

    MirrorPool(InetSocketAddress[] addresses, Class<? extends Channel> channelClass, Duration timeout) {
        this.addresses = addresses.clone();
        this.template = new Bootstrap().channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(2000, timeout.toMillis()));
        int n = addresses.length;
        this.idle = new FastThreadLocal<>() {
            @Override
            @SuppressWarnings("unchecked")
            protected ArrayDeque<Channel>[] initialValue() {
                ArrayDeque<Channel>[] a = new ArrayDeque[n];
                for (int i = 0; i < n; i++) {
                    a[i] = new ArrayDeque<>();
                }
                return a;
            }
        };
    }

    /** An idle open connection to backend {@code index} of the calling thread, or null. */
    Channel poll(int index) {
        ArrayDeque<Channel> deque = idle.get()[index];
        Channel ch;
        while ((ch = deque.pollLast()) != null) {
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    ChannelFuture connect(EventLoop loop, int index, MirrorConnectionHandler handler) {
        Bootstrap b = template.clone(loop);
        b.handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("http-client", new HttpClientCodec(8192, 16 * 1024, 64 * 1024));
                ch.pipeline().addLast("mirror", handler);
            }
        });
        return b.connect(addresses[index]);
    }

    /** Back to the pool after a complete keep-alive exchange; closed when the pool is full. */
    void release(Channel ch, int index) {
        ArrayDeque<Channel> deque = idle.get()[index];
        if (!ch.isActive() || deque.size() >= MAX_IDLE_PER_BACKEND) {
            ch.close();
            return;
        }
        deque.addLast(ch); // auto-read stays on: a backend closing an idle connection is noticed at once
    }

    /** Forgets a pooled connection that closed (on its event loop). */
    void forget(Channel ch, int index) {
        idle.get()[index].remove(ch);
    }
}
