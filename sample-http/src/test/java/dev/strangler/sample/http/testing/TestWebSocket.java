package dev.strangler.sample.http.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket client that queues every text message and remembers the close code. */
public final class TestWebSocket implements AutoCloseable {

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket ws;

    private TestWebSocket(HttpClient client, URI uri, Map<String, String> headers) {
        WebSocket.Builder b = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        this.ws = b.buildAsync(uri, new Listener()).join();
    }

    /** Connects; fails with the handshake error (e.g. the HTTP status) when refused. */
    public static TestWebSocket connect(HttpClient client, String uri) {
        return new TestWebSocket(client, URI.create(uri), Map.of());
    }

    /** Connects with extra request headers (e.g. a sticky routing key). */
    public static TestWebSocket connect(HttpClient client, String uri, Map<String, String> headers) {
        return new TestWebSocket(client, URI.create(uri), headers);
    }

    public static CompletableFuture<TestWebSocket> connectAsync(HttpClient client, String uri) {
        return CompletableFuture.supplyAsync(() -> connect(client, uri));
    }

    public void send(String text) {
        ws.sendText(text, true).join();
    }

    /** The next message, waiting at most {@code timeout}; fails if none came. */
    public String next(Duration timeout) {
        try {
            String m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError("no WebSocket message within " + timeout);
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Messages received and not yet taken. */
    public int pending() {
        return messages.size();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** The close code the server sent (waits up to {@code timeout}). */
    public int closeCode(Duration timeout) {
        return closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
