package dev.strangler.proxy.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * Idle keep-alive backend connections, kept per I/O thread and per backend. A client connection only
 * ever takes backend connections from its own event loop, so both channels of an exchange share one
 * thread: no locks, no cross-thread hand-off. The pool is LIFO to keep the warmest connections busy.
 */
final class BackendPool {

    private final Bootstrap template;
    private final InetSocketAddress[] addresses;
    private final int maxIdle;
    private final long timeoutNanos;
    private final FastThreadLocal<ArrayDeque<Channel>[]> idle;

    BackendPool(Bootstrap template, InetSocketAddress[] addresses, int maxIdle, long timeoutNanos) {
        this.template = template;
        this.addresses = addresses.clone();
        this.maxIdle = maxIdle;
        this.timeoutNanos = timeoutNanos;
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

    /** An idle, open connection to backend {@code index} on the calling event loop, or null. */
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

    /** Opens a new connection to backend {@code index} on {@code loop}. */
    ChannelFuture connect(EventLoop loop, int index, BackendHandler handler) {
        Bootstrap b = template.clone(loop);
        b.handler(new BackendChannelInitializer(handler, timeoutNanos));
        return b.connect(addresses[index]);
    }

    /** Returns a connection after a complete exchange; closes it when the pool is full. */
    void release(Channel ch, int index) {
        ArrayDeque<Channel> deque = idle.get()[index];
        if (!ch.isActive() || deque.size() >= maxIdle) {
            ch.close();
            return;
        }
        deque.addLast(ch);
        // Reading while idle notices at once when the backend closes the connection.
        if (!ch.config().isAutoRead()) {
            ch.config().setAutoRead(true);
        }
    }

    /** Forgets a connection that closed (called on its event loop). */
    void remove(Channel ch, int index) {
        idle.get()[index].remove(ch);
    }

    String address(int index) {
        return addresses[index].getHostString() + ":" + addresses[index].getPort();
    }
}
