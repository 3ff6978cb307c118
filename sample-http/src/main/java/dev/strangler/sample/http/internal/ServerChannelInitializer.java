package dev.strangler.sample.http.internal;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;

/** Pipeline of one accepted connection: HTTP codec, bounded aggregation, routing. */
public final class ServerChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final ServerContext context;
    private final Router router;
    private final Responses responses;

    public ServerChannelInitializer(ServerContext context) {
        this.context = context;
        this.router = new Router(context.routes());
        this.responses = new Responses(context.mapper(), context.clock(), context.stampResponses());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        addHttpCodec(p);
        addBodyLimit(p);
        addRouting(p);
    }

    private void addHttpCodec(ChannelPipeline p) {
        p.addLast("http", new HttpServerCodec());
    }

    private void addBodyLimit(ChannelPipeline p) {
        p.addLast("aggregator", new LimitedBodyAggregator(context.maxBodyBytes(), responses));
    }

    private void addRouting(ChannelPipeline p) {
        p.addLast("routing", new HttpRequestHandler(context, router, responses));
    }
}
