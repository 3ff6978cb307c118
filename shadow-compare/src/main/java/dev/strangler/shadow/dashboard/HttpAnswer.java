package dev.strangler.shadow.dashboard;

import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * A complete HTTP answer any server can write: status, content type and body bytes. The body
 * array is owned by the answer; don't modify it.
 */
public record HttpAnswer(int status, String contentType, byte[] body) {

    public HttpAnswer {
        requireNonNull(contentType, "contentType");
        requireNonNull(body, "body");
    }

    static HttpAnswer json(int status, byte[] body) {
        return new HttpAnswer(status, "application/json; charset=utf-8", body);
    }

    static HttpAnswer error(int status, String message) {
        String escaped = message.replace("\\", "\\\\").replace("\"", "\\\"");
        return json(status, ("{\"error\":\"" + escaped + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "HttpAnswer[" + status + " " + contentType + ", " + body.length + " bytes]";
    }
}
