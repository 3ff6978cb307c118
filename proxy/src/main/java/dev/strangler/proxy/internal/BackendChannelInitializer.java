package dev.strangler.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** Pipeline of a backend connection: timeout, HTTP client codec, relay back to the frontend. */
final class BackendChannelInitializer extends ChannelInitializer<Channel> {

    static final String CODEC = "http-client";
    static final String TIMEOUT = "timeout";
    private final BackendHandler handler;
    private final long timeoutNanos;

    BackendChannelInitializer(BackendHandler handler, long timeoutNanos) {
        this.handler = handler;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        // Nothing read for the backend timeout: 504 while an exchange waits, close when pooled. Reader
        // idle only: an all-idle handler would add a listener to every write on the hot path.
        p.addLast(TIMEOUT, new IdleStateHandler(timeoutNanos, 0, 0, TimeUnit.NANOSECONDS));
        // Large limits: the backend is trusted; 64 KiB chunks keep bodies streaming in pooled buffers.
        p.addLast(CODEC, new HttpClientCodec(16 * 1024, 64 * 1024, 64 * 1024));
        p.addLast("relay", handler);
    }
}
