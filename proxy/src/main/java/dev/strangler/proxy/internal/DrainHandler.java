package dev.strangler.proxy.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.TimeUnit;

/**
 * Sits between the response encoder and the proxy logic of one client connection and counts
 * requests in and final responses out. While the proxy drains ({@link ConnectionDrainer#closing()})
 * it marks each final response {@code Connection: close} and closes the connection once that
 * response is flushed; a connection idle when draining starts is closed if it stays idle. WebSocket
 * sessions (after a 101) are left alone: they may finish within the grace. Runs on the channel's
 * event loop; outside a drain it costs a few type checks per message.
 */
final class DrainHandler extends ChannelDuplexHandler {

    private final ConnectionDrainer drainer;
    private ChannelHandlerContext context;
    private long requests;
    private long responses;
    private boolean interim;
    private boolean upgraded;
    private boolean closeAfterFlush;

    DrainHandler(ConnectionDrainer drainer) {
        this.drainer = drainer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            requests++;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse resp && !upgraded) {
            int code = resp.status().code();
            interim = code < 200;
            if (code == 101) {
                upgraded = true;
            } else if (!interim && drainer.closing()) {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                closeAfterFlush = true;
            }
        }
        if (msg instanceof LastHttpContent && !interim && !upgraded) {
            responses++;
        }
        ctx.write(msg, promise); // ownership passes on to the encoder
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
        if (closeAfterFlush && responses >= requests) {
            ctx.close(); // the client was told Connection: close; it will not reuse this connection
        }
    }

    /** Draining started (on this channel's event loop): close now-idle connections that stay idle. */
    void draining() {
        ChannelHandlerContext ctx = context;
        if (ctx == null || upgraded) {
            return;
        }
        long seen = requests;
        ctx.executor().schedule(() -> {
            if (!upgraded && requests == seen && responses >= requests) {
                ctx.close(); // idle since draining began; a client sending right now retries (RFC 9112 §9.3.1)
            }
        }, ConnectionDrainer.IDLE_CLOSE_AFTER_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }
}
