package dev.strangler.sample.http.internal;

import dev.strangler.sample.http.WebSocketListener;
import dev.strangler.sample.http.WebSocketSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Feeds complete WebSocket messages of one connection to its listener; is its session too. */
final class WebSocketFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> implements WebSocketSession {

    private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);

    private final String serverName;
    private final WebSocketServerHandshaker handshaker;
    private final WebSocketListener listener;
    private volatile Channel channel;
    private boolean closedNotified; // event loop only

    WebSocketFrameHandler(String serverName, WebSocketServerHandshaker handshaker, WebSocketListener listener) {
        this.serverName = serverName;
        this.handshaker = handshaker;
        this.listener = listener;
    }

    /** The 101 went out: from now on the listener hears of this connection. */
    void opened(Channel ch) {
        this.channel = ch;
        try {
            listener.onOpen(this);
        } catch (RuntimeException e) {
            log.warn("{}: WebSocket listener failed on open: {}", serverName, e.toString());
            close(1011, "server error");
        }
        if (!ch.isActive()) {
            notifyClosed(); // closed before onOpen returned: channelInactive may have come first
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        // SimpleChannelInboundHandler releases frame after this returns.
        if (frame instanceof TextWebSocketFrame text) {
            try {
                listener.onText(this, text.text());
            } catch (RuntimeException e) {
                log.warn("{}: WebSocket listener failed on a message: {}", serverName, e.toString());
                close(1011, "server error");
            }
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain())); // the pong now owns one reference
        } else if (frame instanceof CloseWebSocketFrame) {
            handshaker.close(ctx.channel(), (CloseWebSocketFrame) frame.retain()); // answers and closes; owns the retain
        } else if (frame instanceof BinaryWebSocketFrame) {
            close(1003, "binary messages are not supported (expected: text)");
        }
        // PongWebSocketFrame: nothing to do, we never ping.
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (channel != null) {
            notifyClosed();
        }
        super.channelInactive(ctx);
    }

    private void notifyClosed() {
        if (closedNotified) {
            return;
        }
        closedNotified = true;
        try {
            listener.onClose(this);
        } catch (RuntimeException e) {
            log.warn("{}: WebSocket listener failed on close: {}", serverName, e.toString());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: WebSocket {} failed: {}", serverName, ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void send(String text) {
        Channel ch = channel;
        if (ch != null) {
            ch.writeAndFlush(new TextWebSocketFrame(text)); // released by the channel, even when closed
        }
    }

    @Override
    public void close(int code, String reason) {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public boolean isOpen() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    @Override
    public String id() {
        Channel ch = channel;
        return ch == null ? "unopened" : ch.id().asShortText();
    }
}
