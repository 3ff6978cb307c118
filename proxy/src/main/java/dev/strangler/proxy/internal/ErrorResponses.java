package dev.strangler.proxy.internal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * JSON error responses the proxy itself produces: {@code {"error":"code","message":"..."}}. Messages
 * are fixed texts chosen by the proxy (never request data, never stack traces).
 */
final class ErrorResponses {

    private ErrorResponses() {
    }

    static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, String code, String message,
                                 boolean keepAlive) {
        return json(alloc, status, code, message, keepAlive, false);
    }

    /**
     * With {@code outcomeUnknown}, the body also says {@code "outcome":"unknown"}: the request may
     * or may not have been processed by the backend, so the client must check before retrying.
     */
    static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, String code, String message,
                                 boolean keepAlive, boolean outcomeUnknown) {
        byte[] body = ("{\"error\":\"" + code + "\",\"message\":\"" + escape(message) + "\""
                + (outcomeUnknown ? ",\"outcome\":\"unknown\"" : "") + "}\n")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = alloc.buffer(body.length).writeBytes(body);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        return r;
    }

    static String escape(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }
}
