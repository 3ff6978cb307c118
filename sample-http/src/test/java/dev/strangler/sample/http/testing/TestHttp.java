package dev.strangler.sample.http.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A tiny JSON client for tests against a sample server on localhost. */
public final class TestHttp {

    /** One answer: status, parsed body (MissingNode when empty or not JSON), raw text, headers. */
    public record Reply(int status, JsonNode json, String text, HttpHeaders headers) {
        public String field(String name) {
            return json.path(name).asText();
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public TestHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public String base() {
        return base;
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), Map.of());
    }

    public Reply post(String path, String json) {
        return post(path, json, Map.of());
    }

    public Reply post(String path, String json, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(json)), headers);
    }

    public Reply put(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).PUT(HttpRequest.BodyPublishers.ofString(json)),
                Map.of());
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), Map.of());
    }

    public Reply send(String method, String path, String body, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)),
                headers);
    }

    /** Sends without waiting: for requests that must race. */
    public CompletableFuture<Reply> postAsync(String path, String json) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(TestHttp::reply);
    }

    private Reply send(HttpRequest.Builder b, Map<String, String> headers) {
        b.timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json");
        headers.forEach(b::header);
        try {
            return reply(client.send(b.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new IllegalStateException("request to " + base + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Reply reply(HttpResponse<String> r) {
        JsonNode json;
        try {
            json = r.body().isEmpty() ? MissingNode.getInstance() : MAPPER.readTree(r.body());
        } catch (IOException e) {
            json = MissingNode.getInstance();
        }
        return new Reply(r.statusCode(), json, r.body(), r.headers());
    }
}
