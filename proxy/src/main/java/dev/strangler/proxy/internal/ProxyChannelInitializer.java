package dev.strangler.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Pipeline of a client connection, in order: idle timeout, header (slowloris) timeout, strict HTTP
 * decoder, response encoder, drain bookkeeping, proxy logic.
 */
public final class ProxyChannelInitializer extends ChannelInitializer<Channel> {

    /** Body chunks are cut to this size so a large body streams in pooled buffers. */
    private static final int MAX_CHUNK = 64 * 1024;
    static final String IDLE = "idle";
    private final ProxyContext px;

    public ProxyChannelInitializer(ProxyContext px) {
        this.px = px;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        HeaderTimeoutHandler headerTimeout = addTimeouts(p);
        ClientResponseEncoder encoder = addHttpCodec(p);
        addProxying(p, headerTimeout, encoder);
    }

    private HeaderTimeoutHandler addTimeouts(ChannelPipeline p) {
        // Reader idle (no listener per write); a WebSocket swaps in an all-idle handler on upgrade.
        p.addLast(IDLE, new IdleStateHandler(px.limits.idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
        HeaderTimeoutHandler headerTimeout = new HeaderTimeoutHandler(px.limits.headerTimeout().toNanos());
        p.addLast("header-timeout", headerTimeout);
        return headerTimeout;
    }

    private ClientResponseEncoder addHttpCodec(ChannelPipeline p) {
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxInitialLineLength(px.limits.maxInitialLineBytes())
                .setMaxHeaderSize(px.limits.maxHeaderBytes())
                .setMaxChunkSize(MAX_CHUNK)
                .setAllowDuplicateContentLengths(false);
        p.addLast("decoder", new StrictRequestDecoder(config));
        ClientResponseEncoder encoder = new ClientResponseEncoder();
        p.addLast("encoder", encoder);
        return encoder;
    }

    private void addProxying(ChannelPipeline p, HeaderTimeoutHandler headerTimeout, ClientResponseEncoder encoder) {
        // Between encoder and proxy: sees requests in and responses out, for a graceful drain.
        p.addLast("drain", px.drainer.register(p.channel()));
        p.addLast("proxy", new FrontendHandler(px, headerTimeout, encoder));
    }
}
