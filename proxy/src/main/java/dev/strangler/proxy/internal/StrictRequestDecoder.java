package dev.strangler.proxy.internal;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, made strict about framing: a request carrying both
 * {@code Transfer-Encoding: chunked} and {@code Content-Length} is a classic smuggling vector, so
 * instead of Netty's default (drop the Content-Length and go on) it becomes an invalid message,
 * which the frontend answers with 400 and a closed connection. Duplicate differing Content-Length
 * values and bad chunk sizes are already invalid messages in Netty.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    StrictRequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("both Transfer-Encoding and Content-Length");
    }
}
