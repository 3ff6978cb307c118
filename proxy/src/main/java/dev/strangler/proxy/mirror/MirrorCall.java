package dev.strangler.proxy.mirror;

import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.ShadowOutcome;
import dev.strangler.shadow.ShadowResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request of a mirrored exchange to one backend (the shadow, or the primary asked a second
 * time for noise learning), on a pooled keep-alive mirror connection of the client's event loop.
 * Its result is a {@link ShadowResponse} or an outcome of TIMEOUT/ERROR. Single-threaded.
 */
final class MirrorCall {

    private final MirrorCapture capture;
    private final int backendIndex;
    private final String uri;
    private final io.netty.handler.codec.http.HttpHeaders headers;
    private final byte[] body;
    private Channel channel;
    private MirrorConnectionHandler handler;
    private ScheduledFuture<?> timer;
    private long sentNanos;
    private int status;
    private HttpHeaders responseHeaders;
    private final ByteSink responseBody = new ByteSink();
    private boolean keepAlive;
    private boolean finalResponse;
    private boolean done;
    ShadowOutcome outcome;
    ShadowResponse response;

    MirrorCall(MirrorCapture capture, int backendIndex, String uri, io.netty.handler.codec.http.HttpHeaders headers, byte[] body) {
        this.capture = capture;
        this.backendIndex = backendIndex;
        this.uri = uri;
        this.headers = headers;
        this.body = body;
    }

    boolean done() {
        return done;
    }

    /** Sends the request on a pooled connection, or a new one. */
    void send() {
        Mirror mirror = capture.mirror;
        sentNanos = System.nanoTime();
        timer = capture.loop.schedule(this::onTimeout, mirror.timeoutNanos, TimeUnit.NANOSECONDS);
        Channel pooled = mirror.pool.poll(backendIndex);
        if (pooled != null) {
            write(pooled);
            return;
        }
        MirrorConnectionHandler h = new MirrorConnectionHandler(mirror.pool, backendIndex);
        mirror.pool.connect(capture.loop, backendIndex, h).addListener((ChannelFutureListener) f -> {
            if (done) {
                if (f.isSuccess()) {
                    f.channel().close(); // timed out while connecting
                }
            } else if (!f.isSuccess()) {
                finish(ShadowOutcome.ERROR);
            } else {
                write(f.channel());
            }
        });
    }

    private void write(Channel ch) {
        channel = ch;
        handler = (MirrorConnectionHandler) ch.pipeline().last();
        handler.attach(this);
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(capture.method),
                uri, body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body), headers,
                EmptyHttpHeaders.INSTANCE);
        // Ownership of req passes to the channel; a failed write closes it, and channelInactive reports the error.
        ch.writeAndFlush(req).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                f.channel().close();
            }
        });
    }

    void onMessage(Object msg) {
        try {
            if (done) {
                return;
            }
            if (msg instanceof HttpResponse r) {
                if (r.decoderResult().isFailure()) {
                    failAndClose();
                    return;
                }
                if (r.status().code() < 200) {
                    return; // 100 Continue and friends: the final response follows
                }
                finalResponse = true;
                status = r.status().code();
                responseHeaders = MirrorCapture.convert(r.headers());
                keepAlive = HttpUtil.isKeepAlive(r);
            }
            if (msg instanceof HttpContent c && finalResponse) {
                responseBody.append(c.content(), capture.mirror.maxBodyBytes); // over the cap: marked truncated
                if (c instanceof LastHttpContent) {
                    response = new ShadowResponse(status, responseHeaders, responseBody.toArray(), responseBody.overflowed(),
                            System.nanoTime() - sentNanos);
                    finish(ShadowOutcome.RESPONDED);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg); // bytes were copied: we are the last owner
        }
    }

    void onClosed() {
        channel = null;
        if (!done) {
            finish(ShadowOutcome.ERROR);
        }
    }

    private void onTimeout() {
        if (!done) {
            Channel ch = detach();
            if (ch != null) {
                ch.close(); // a late answer must not reach the next user of the connection
            }
            finish(ShadowOutcome.TIMEOUT);
        }
    }

    private void failAndClose() {
        Channel ch = detach();
        if (ch != null) {
            ch.close();
        }
        finish(ShadowOutcome.ERROR);
    }

    private Channel detach() {
        Channel ch = channel;
        if (handler != null) {
            handler.detach();
        }
        channel = null;
        handler = null;
        return ch;
    }

    private void finish(ShadowOutcome result) {
        done = true;
        outcome = result;
        if (timer != null) {
            timer.cancel(false);
        }
        Channel ch = detach();
        if (ch != null) {
            if (result == ShadowOutcome.RESPONDED && keepAlive) {
                capture.mirror.pool.release(ch, backendIndex);
            } else {
                ch.close();
            }
        }
        capture.mirror.callDone(capture);
    }
}
