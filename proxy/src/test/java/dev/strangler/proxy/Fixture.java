package dev.strangler.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import dev.strangler.proxy.routing.Sticky;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** Shared set-up for proxy ITs: a config around two {@link TestBackend}s and an HTTP/1.1 client. */
final class Fixture {

    static final String OPERATOR_SECRET = "operator-secret-1";
    static final String VIEWER_SECRET = "viewer-secret-1";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Fixture() {
    }

    /** Proxy on ephemeral ports; route "appointments" (sticky on X-Patient-Id) then catch-all "rest". */
    static ProxyConfig.Builder config(Path stateDir, int legacyPort, int targetPort, int weightBps) {
        return ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0))
                .threads(2)
                .adminListen(new HostPort("127.0.0.1", 0))
                .token(new AdminToken("oncall", OPERATOR_SECRET, AdminToken.Role.OPERATOR))
                .token(new AdminToken("dashboard", VIEWER_SECRET, AdminToken.Role.VIEWER))
                .backend("monolith", new HostPort("127.0.0.1", legacyPort))
                .backend("appointments", new HostPort("127.0.0.1", targetPort))
                .route(new Route("appointments", RouteMatch.prefix("/api/appointments"), "monolith", "appointments",
                        weightBps, new Sticky(Sticky.Source.HEADER, "X-Patient-Id"), null))
                .route(new Route("rest", RouteMatch.prefix("/"), "monolith", null, 0, null, null))
                .state(StateConfig.in(stateDir))
                .shutdownGrace(Duration.ofSeconds(2));
    }

    static HttpResponse<String> get(int port, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(int port, String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }
}
