package dev.strangler.sample.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.sample.http.HttpError;
import dev.strangler.sample.http.Response;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Clock;

/** Turns {@link Response}s and {@link HttpError}s into Netty responses with JSON bodies. */
final class Responses {

    /** JSON shape of every error body. */
    record ErrorBody(String error, String message, int status) {
    }

    private final ObjectMapper mapper;
    private final Clock clock;
    private final boolean stamp;

    Responses(ObjectMapper mapper, Clock clock, boolean stamp) {
        this.mapper = mapper;
        this.clock = clock;
        this.stamp = stamp;
    }

    /** Serialises on the calling thread (a worker, normally); the buffer is unpooled heap. */
    FullHttpResponse toHttp(Response r, String requestId) throws JsonProcessingException {
        byte[] bytes = new byte[0];
        if (r.body() != null) {
            JsonNode tree = mapper.valueToTree(r.body());
            if (stamp && tree instanceof ObjectNode object) {
                object.put("requestId", requestId);
                object.put("servedAt", clock.instant().toString());
            }
            bytes = mapper.writeValueAsBytes(tree);
        }
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(bytes));
        if (r.body() != null) {
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        resp.headers().set("X-Request-Id", requestId);
        r.headers().forEach((k, v) -> resp.headers().set(k, v));
        return resp;
    }

    FullHttpResponse error(HttpError e, String requestId) {
        try {
            return toHttp(Response.of(e.status(), new ErrorBody(e.code(), e.getMessage(), e.status())), requestId);
        } catch (JsonProcessingException impossible) {
            // Three plain fields always serialise; reaching here means the mapper is broken.
            throw new IllegalStateException("could not serialise an error body", impossible);
        }
    }
}
