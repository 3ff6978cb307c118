package dev.strangler.sample.http.internal;

import dev.strangler.sample.http.HttpError;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/** Aggregates request bodies up to a limit and answers a bigger one with a JSON 413. */
final class LimitedBodyAggregator extends HttpObjectAggregator {

    private final int maxBytes;
    private final Responses responses;

    LimitedBodyAggregator(int maxBytes, Responses responses) {
        super(maxBytes);
        this.maxBytes = maxBytes;
        this.responses = responses;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        FullHttpResponse resp = responses.error(new HttpError(413, "payload_too_large",
                "request body: larger than " + maxBytes + " bytes (expected: at most " + maxBytes + ")"),
                RequestIds.next());
        // The rest of the body may still be on the wire: answer, then close so it is not parsed as a request.
        ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
}
