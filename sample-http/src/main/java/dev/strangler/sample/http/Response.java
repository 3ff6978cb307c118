package dev.strangler.sample.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers: a status, a body serialised to JSON by Jackson (a record, a
 * {@code JsonNode}, or {@code null} for no body) and extra headers.
 */
public record Response(int status, Object body, Map<String, String> headers) {

    public Response {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100..599)");
        }
        headers = Map.copyOf(headers);
    }

    public static Response ok(Object body) {
        return new Response(200, body, Map.of());
    }

    public static Response created(Object body) {
        return new Response(201, body, Map.of());
    }

    public static Response noContent() {
        return new Response(204, null, Map.of());
    }

    public static Response of(int status, Object body) {
        return new Response(status, body, Map.of());
    }

    /** A copy with one more header. */
    public Response withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Response(status, body, h);
    }
}
