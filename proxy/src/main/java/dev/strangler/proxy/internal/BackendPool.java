package dev.strangler.proxy.internal;

import dev.strangler.proxy.backend.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idle keep-alive backend connections, kept per I/O thread and per endpoint. A client connection only
 * ever takes backend connections from its own event loop, so both channels of an exchange share one
 * thread: no locks, no cross-thread hand-off. The pool is LIFO to keep the warmest connections busy.
 * Connections to an endpoint that left its backend are closed when they come back, and idle ones
 * time out (the backend timeout).
 */
final class BackendPool {

    private final Bootstrap template;
    private final int maxIdle;
    private final long timeoutNanos;
    private final FastThreadLocal<Map<Endpoint, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<Endpoint, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    BackendPool(Bootstrap template, int maxIdle, long timeoutNanos) {
        this.template = template;
        this.maxIdle = maxIdle;
        this.timeoutNanos = timeoutNanos;
    }

    /** An idle, open connection to {@code endpoint} on the calling event loop, or null. */
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

    /** Opens a new connection to {@code endpoint} on {@code loop}. */
    ChannelFuture connect(EventLoop loop, Endpoint endpoint, BackendHandler handler, int connectTimeoutMillis) {
        Bootstrap b = template.clone(loop);
        b.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
        b.handler(new BackendChannelInitializer(handler, timeoutNanos));
        return b.connect(endpoint.address());
    }

    /** Returns a connection after a complete exchange; closes it when the pool is full or the endpoint left. */
    void release(Channel ch, Endpoint endpoint) {
        if (!ch.isActive() || endpoint.removed() || maxIdle == 0) {
            ch.close();
            return;
        }
        ArrayDeque<Channel> deque = idle.get().computeIfAbsent(endpoint, e -> new ArrayDeque<>());
        if (deque.size() >= maxIdle) {
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
    void remove(Channel ch, Endpoint endpoint) {
        ArrayDeque<Channel> deque = idle.get().get(endpoint);
        if (deque != null) {
            deque.remove(ch);
            if (deque.isEmpty() && endpoint.removed()) {
                idle.get().remove(endpoint);
            }
        }
    }
}
