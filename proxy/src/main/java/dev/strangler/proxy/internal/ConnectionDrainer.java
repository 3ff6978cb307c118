package dev.strangler.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Every open client connection, so a graceful stop can move clients off this proxy without cutting
 * a request. Once the listener has closed ({@link #startClosing()}), every response carries
 * {@code Connection: close} and is followed by a close, and connections with no request in progress
 * that stay idle for {@link #IDLE_CLOSE_AFTER_MILLIS} are closed. Until then nothing changes for
 * connected clients: pushing them to reconnect while this listener still accepts would only send
 * some of them back here (SO_REUSEPORT) and widen the window in which a connection sits in the
 * accept queue of a closing listener.
 */
public final class ConnectionDrainer {

    /** An idle keep-alive connection is closed after this much further silence once draining. */
    static final long IDLE_CLOSE_AFTER_MILLIS = 250;

    private final ChannelGroup clients = new DefaultChannelGroup("strangler-clients", GlobalEventExecutor.INSTANCE);
    private volatile boolean closing;

    /** A new per-connection handler; the channel is tracked until it closes. */
    DrainHandler register(Channel ch) {
        clients.add(ch); // removed by the group itself when the channel closes
        return new DrainHandler(this);
    }

    boolean closing() {
        return closing;
    }

    /**
     * Called after the listener closed: from now on responses close their connection, and idle
     * connections are closed after {@link #IDLE_CLOSE_AFTER_MILLIS} of further silence.
     */
    public void startClosing() {
        closing = true;
        for (Channel ch : clients) {
            DrainHandler h = ch.pipeline().get(DrainHandler.class);
            if (h != null) {
                ch.eventLoop().execute(h::draining);
            }
        }
    }

    /** Open client connections (WebSocket sessions included). */
    public int openConnections() {
        return clients.size();
    }

    /** Closes every client connection at once (grace is over). */
    public void closeAll() {
        clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
