package dev.strangler.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpServer;
import dev.strangler.proxy.HostPort;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * {@code GET /metrics} (Prometheus text) for a standalone process without the proxy's admin port,
 * e.g. {@code strangler cdc run --metrics-listen 0.0.0.0:9902}. Anything else answers 404.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final HttpServer server;

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Listens on {@code listen} (port 0: any free port); a port in use is a one-line failure. */
    public static MetricsEndpoint start(HostPort listen, PrometheusMeterRegistry registry) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 16);
        } catch (IOException e) {
            throw CliException.failure("cannot listen for metrics on " + listen + " (" + e.getMessage()
                    + "): is another process using the port?", e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                boolean ok = "GET".equals(exchange.getRequestMethod()) && "/metrics".equals(exchange.getRequestURI().getPath());
                byte[] body = (ok ? registry.scrape() : "not found: GET /metrics\n").getBytes(UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(ok ? 200 : 404, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return new MetricsEndpoint(server);
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
