package dev.strangler.proxy.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Slowloris guard: once the first byte of a request arrives, its headers must be complete within
 * the header timeout or the client gets 408 and the connection closes. Sits before the HTTP decoder.
 * A timer is only armed when a read ends with headers still incomplete, so ordinary requests (whole
 * in one packet) cost no timer at all.
 */
final class HeaderTimeoutHandler extends ChannelInboundHandlerAdapter {

    /** Fired down the pipeline when request headers were too slow; the frontend answers 408. */
    static final Object TIMEOUT_EVENT = new Object() {
        @Override
        public String toString() {
            return "HeaderTimeout";
        }
    };

    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private boolean awaitingHeaders = true;
    private boolean bytesSeen;
    private ScheduledFuture<?> timer;

    HeaderTimeoutHandler(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The frontend finished a response and now waits for the next request. */
    void expectRequest() {
        awaitingHeaders = true;
        bytesSeen = false;
    }

    /** The frontend received complete request headers. */
    void headersReceived() {
        awaitingHeaders = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (awaitingHeaders) {
            bytesSeen = true;
        }
        ctx.fireChannelRead(msg); // ownership passes on to the decoder
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (awaitingHeaders && bytesSeen && timer == null) {
            timer = ctx.executor().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelReadComplete();
    }

    private void expire() {
        timer = null;
        if (awaitingHeaders) {
            ctx.fireUserEventTriggered(TIMEOUT_EVENT);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        headersReceived();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        headersReceived();
        ctx.fireChannelInactive();
    }
}
