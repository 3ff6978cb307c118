package dev.strangler.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP backend (JDK HttpServer) whose answers tests script per path prefix: status, JSON body,
 * extra headers and a delay (a slow service, on the server's own threads). Records every request
 * (method, URI, headers, body) so tests can see what reached it.
 */
final class ScriptedBackend implements AutoCloseable {

    /** One request as the backend received it; header names lower-case. */
    record Received(String method, String uri, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private record Script(int status, String body, Duration delay, Map<String, String> headers) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-backend");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    final List<Received> received = new CopyOnWriteArrayList<>();

    ScriptedBackend() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Requests whose path starts with {@code prefix} get this answer (longest prefix wins). */
    ScriptedBackend on(String prefix, int status, String body, Duration delay, String... headerPairs) {
        Map<String, String> h = new ConcurrentHashMap<>();
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            h.put(headerPairs[i], headerPairs[i + 1]);
        }
        scripts.put(prefix, new Script(status, body, delay, h));
        return this;
    }

    List<Received> received(String method, String pathPrefix) {
        return received.stream().filter(r -> r.method().equals(method) && r.uri().startsWith(pathPrefix)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] in = ex.getRequestBody().readAllBytes();
        Map<String, String> headers = new ConcurrentHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(", ", v)));
        String uri = ex.getRequestURI().toString();
        received.add(new Received(ex.getRequestMethod(), uri, headers, new String(in, StandardCharsets.UTF_8)));
        String path = ex.getRequestURI().getPath();
        Script s = scripts.entrySet().stream().filter(e -> path.startsWith(e.getKey()))
                .max(java.util.Comparator.comparingInt(e -> e.getKey().length())).map(Map.Entry::getValue)
                .orElse(new Script(404, "{\"error\":\"not scripted\"}", Duration.ZERO, Map.of()));
        if (!s.delay().isZero()) {
            try {
                Thread.sleep(s.delay().toMillis()); // the backend is slow on purpose (its own thread)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] out = s.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        s.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(s.status(), head ? -1 : out.length);
        if (!head) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
