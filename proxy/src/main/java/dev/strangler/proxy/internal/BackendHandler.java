package dev.strangler.proxy.internal;

import dev.strangler.proxy.backend.Endpoint;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of a backend connection. While leased it hands every response object to its
 * {@link FrontendHandler}; while idle in the pool it only watches for the backend closing (or
 * misbehaving), and then leaves the pool.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private final BackendPool pool;
    private final Endpoint endpoint;
    private FrontendHandler frontend;

    BackendHandler(BackendPool pool, Endpoint endpoint) {
        this.pool = pool;
        this.endpoint = endpoint;
    }

    void attach(FrontendHandler f) {
        frontend = f;
    }

    void detach() {
        frontend = null;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        FrontendHandler f = frontend;
        if (f != null) {
            f.onBackendRead(msg); // ownership passes to the frontend, which writes it to the client
            return;
        }
        // Bytes on an idle connection are a protocol error: nothing was asked. Drop it and the connection.
        ReferenceCountUtil.release(msg);
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        FrontendHandler f = frontend;
        if (f != null) {
            f.onBackendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        FrontendHandler f = frontend;
        if (f != null) {
            f.onBackendWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            FrontendHandler f = frontend;
            if (f != null) {
                f.onBackendTimeout();
            } else {
                ctx.close(); // idle too long in the pool
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        FrontendHandler f = frontend;
        frontend = null;
        if (f != null) {
            f.onBackendClosed();
        } else {
            pool.remove(ctx.channel(), endpoint);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // I/O errors (reset by peer, ...) end this connection; channelInactive tells the frontend.
        ctx.close();
    }
}
