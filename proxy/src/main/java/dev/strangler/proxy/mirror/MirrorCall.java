package dev.strangler.proxy.mirror;

import dev.strangler.proxy.backend.Endpoint;
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

/**
 * One request of a mirrored exchange to one endpoint (of the shadow, or of the primary asked a
 * second time for noise learning), on a pooled keep-alive mirror connection of the sending event
 * loop. Its result is a response (status, Netty headers, body bytes) or an outcome of TIMEOUT/ERROR;
 * the {@link ShadowResponse} is built later, on a comparison worker. Single-threaded.
 *
 * <p>No per-call timer: calls in flight form a list in send order on their {@link MirrorClock}
 * (constant timeout, so the oldest is first), which a periodic sweep of the event loop expires.
 */
final class MirrorCall {

    private final MirrorCapture capture;
    private final Endpoint endpoint; // null: the backend had no endpoint to offer
    private final String uri;
    private final io.netty.handler.codec.http.HttpHeaders headers;
    private final byte[] body;
    private Channel channel;
    private MirrorConnectionHandler handler;
    long sentNanos;
    // Intrusive list of calls in flight on this event loop (MirrorClock), oldest first.
    MirrorCall prev;
    MirrorCall next;
    MirrorClock clock; // set while listed
    private int status;
    private io.netty.handler.codec.http.HttpHeaders responseHeaders; // converted on a worker
    private final ByteSink responseBody = new ByteSink();
    private long latencyNanos;
    private boolean keepAlive;
    private boolean finalResponse;
    private boolean done;
    ShadowOutcome outcome;

    MirrorCall(MirrorCapture capture, Endpoint endpoint, String uri, io.netty.handler.codec.http.HttpHeaders headers,
               byte[] body) {
        this.capture = capture;
        this.endpoint = endpoint;
        this.uri = uri;
        this.headers = headers;
        this.body = body;
    }

    boolean done() {
        return done;
    }

    /** Sends the request on a pooled connection, or a new one. */
    void send(MirrorClock clock) {
        if (endpoint == null) {
            finish(ShadowOutcome.ERROR); // no endpoint available: an error, never a difference
            return;
        }
        Mirror mirror = capture.mirror;
        endpoint.acquire(); // counts for least-outstanding balancing, like a primary request
        sentNanos = System.nanoTime();
        clock.add(this);
        Channel pooled = mirror.pool.poll(endpoint);
        if (pooled != null) {
            write(pooled);
            return;
        }
        MirrorConnectionHandler h = new MirrorConnectionHandler(mirror.pool, endpoint);
        mirror.pool.connect(capture.loop, endpoint, h).addListener((ChannelFutureListener) f -> {
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
                responseHeaders = r.headers(); // not reference-counted: safe to keep after the release below
                keepAlive = HttpUtil.isKeepAlive(r);
            }
            if (msg instanceof HttpContent c && finalResponse) {
                responseBody.append(c.content(), capture.mirror.maxBodyBytes); // over the cap: marked truncated
                if (c instanceof LastHttpContent) {
                    latencyNanos = System.nanoTime() - sentNanos;
                    finish(ShadowOutcome.RESPONDED);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg); // bytes were copied: we are the last owner
        }
    }

    /** The answer for the comparator; call on a worker, after the call is done with RESPONDED. */
    ShadowResponse response() {
        return new ShadowResponse(status, MirrorCapture.convert(responseHeaders), responseBody.toArray(),
                responseBody.overflowed(), latencyNanos);
    }

    void onClosed() {
        channel = null;
        if (!done) {
            finish(ShadowOutcome.ERROR);
        }
    }

    /** Called by the sweep of {@link MirrorClock} once the call is older than the timeout. */
    void onTimeout() {
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
        if (clock != null) {
            clock.remove(this);
        }
        if (endpoint != null) {
            endpoint.release();
        }
        Channel ch = detach();
        if (ch != null) {
            if (result == ShadowOutcome.RESPONDED && keepAlive) {
                capture.mirror.pool.release(ch, endpoint);
            } else {
                ch.close();
            }
        }
        capture.mirror.callDone(capture);
    }
}
