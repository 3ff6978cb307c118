package dev.strangler.proxy.internal;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

/**
 * The backend side of one client connection: the leased (or connecting) backend channel, its
 * relay handler and the pending flush. Writes use void promises (no promise or listener per write;
 * a failed write surfaces as exceptionCaught on that channel, which closes it) and are flushed
 * once per read cycle. Event-loop confined.
 */
final class BackendLink {

    private Channel channel;
    private BackendHandler handler;
    private boolean flushPending;
    /** A connection is being opened; {@link #pendingRequest} waits for it. */
    boolean connecting;
    HttpRequest pendingRequest;

    /** Leases {@code ch} to {@code frontend}: its responses go there from now on. */
    void attach(Channel ch, FrontendHandler frontend) {
        channel = ch;
        handler = (BackendHandler) ch.pipeline().get("relay");
        handler.attach(frontend);
    }

    /** Unhooks the backend channel (the caller closes or pools it); returns it, or null if none. */
    Channel detach() {
        Channel b = channel;
        if (handler != null) {
            handler.detach();
        }
        channel = null;
        handler = null;
        flushPending = false;
        return b;
    }

    /** Unhooks and closes the backend channel, if any. */
    void detachAndClose() {
        Channel b = detach();
        if (b != null) {
            b.close();
        }
    }

    /** The backend channel closed by itself: forget it without touching it. */
    void closed() {
        channel = null;
        handler = null;
    }

    Channel channel() {
        return channel;
    }

    BackendHandler handler() {
        return handler;
    }

    boolean attached() {
        return channel != null;
    }

    boolean writable() {
        return channel == null || channel.isWritable();
    }

    /** Writes {@code msg} (ownership passes to the backend channel); flushed by {@link #flush}. */
    void write(Object msg) {
        channel.write(msg, channel.voidPromise());
        flushPending = true;
    }

    /** A write made directly on {@link #channel()} (replayed chunks) still needs a flush. */
    void markFlushPending() {
        flushPending = true;
    }

    void flush() {
        if (flushPending && channel != null) {
            flushPending = false;
            channel.flush();
        }
    }

    /** Pauses or resumes reading the backend (the client's writability). */
    void autoRead(boolean want) {
        if (channel != null) {
            setAutoRead(channel, want);
        }
    }

    /** Drops a request still waiting for its connection (client gone). */
    void releasePending() {
        if (pendingRequest != null) {
            ReferenceCountUtil.release(pendingRequest);
            pendingRequest = null;
        }
    }

    /**
     * Toggles auto-read only on a change: with epoll every toggle costs an epoll_ctl call; in the
     * common case (one request at a time, small bodies) it never changes.
     */
    static void setAutoRead(Channel ch, boolean want) {
        if (ch.config().isAutoRead() != want) {
            ch.config().setAutoRead(want); // setting it true also issues a read
        }
    }
}
