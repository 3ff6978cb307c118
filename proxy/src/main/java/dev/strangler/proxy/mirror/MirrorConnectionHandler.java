package dev.strangler.proxy.mirror;

import dev.strangler.proxy.backend.Endpoint;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of a mirror connection. While a {@link MirrorCall} uses the connection it gets every
 * response object; while the connection idles in the mirror pool, bytes from the backend are a
 * protocol error and close it.
 */
final class MirrorConnectionHandler extends ChannelInboundHandlerAdapter {

    private final MirrorPool pool;
    private final Endpoint endpoint;
    private MirrorCall call;

    MirrorConnectionHandler(MirrorPool pool, Endpoint endpoint) {
        this.pool = pool;
        this.endpoint = endpoint;
    }

    void attach(MirrorCall c) {
        call = c;
    }

    void detach() {
        call = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        MirrorCall c = call;
        if (c != null) {
            c.onMessage(msg); // ownership passes to the call, which copies and releases it
            return;
        }
        ReferenceCountUtil.release(msg); // nothing was asked on an idle connection
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        MirrorCall c = call;
        call = null;
        if (c != null) {
            c.onClosed();
        } else {
            pool.forget(ctx.channel(), endpoint);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // I/O errors end this connection; channelInactive tells the call (an error, never a difference).
        ctx.close();
    }
}
