package dev.strangler.shadow;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.strangler.legacy.normalize.NormalizerRegistry;
import dev.strangler.shadow.diff.Difference;
import dev.strangler.shadow.store.Evidence;

import static java.util.Objects.requireNonNull;

/**
 * Re-sends a stored request to both sides and compares the answers again with the route's
 * settings, to see whether a difference still stands. Only requests that redaction left
 * intact can be replayed ({@link Evidence#replayable()}); a hashed value would send the wrong
 * request. The shadow copy carries {@code X-Strangler-Shadow: 1} like a mirrored one.
 */
public final class ShadowReplayer {

    /** Headers the JDK client sets itself, or that describe the old connection. */
    private static final Set<String> SKIPPED_HEADERS = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection", "http2-settings");

    private final HttpClient client;
    private final Duration timeout;
    private final NormalizerRegistry normalizers;

    public ShadowReplayer(HttpClient client, Duration timeout, NormalizerRegistry normalizers) {
        this.client = requireNonNull(client, "client");
        this.timeout = requireNonNull(timeout, "timeout");
        this.normalizers = requireNonNull(normalizers, "normalizers");
    }

    /**
     * The outcome of a replay.
     *
     * @param before      differences stored with the evidence
     * @param now         differences between the replayed answers
     * @param stillStands fields of {@code before} that differ again
     */
    public record Result(long evidenceId, int primaryStatus, int shadowStatus, List<Difference> before,
                         List<Difference> now, List<String> stillStands) {
    }

    /**
     * @param legacyBase base URL of the monolith (scheme, host, port)
     * @param targetBase base URL of the extracted service
     * @throws IllegalStateException if the evidence is not replayable
     * @throws IOException           if a side cannot be reached
     */
    public Result replay(Evidence evidence, ShadowRouteConfig route, URI legacyBase, URI targetBase)
            throws IOException, InterruptedException {
        if (!evidence.replayable()) {
            throw new IllegalStateException("evidence " + evidence.id() + " cannot be replayed: redaction changed "
                    + String.join(", ", evidence.requestRedactions()));
        }
        // As stored: the monolith's answer first, unless the route copies only what the service answered.
        URI primaryBase = route.primary() != Primary.TARGET ? legacyBase : targetBase;
        URI shadowBase = route.primary() != Primary.TARGET ? targetBase : legacyBase;
        ShadowResponse primary = send(evidence, primaryBase, false);
        ShadowResponse shadow = send(evidence, shadowBase, true);
        List<Difference> now = CompiledRoute.compile(route, normalizers).diff().diff(primary, shadow, true);
        Set<String> nowFields = new LinkedHashSet<>();
        now.forEach(d -> nowFields.add(d.field()));
        List<String> still = evidence.differences().stream().map(Difference::field).distinct()
                .filter(nowFields::contains).toList();
        return new Result(evidence.id(), primary.status(), shadow.status(), evidence.differences(), now, still);
    }

    private ShadowResponse send(Evidence evidence, URI base, boolean shadow) throws IOException, InterruptedException {
        URI uri = base.resolve(evidence.requestTarget());
        byte[] body = evidence.requestBody().getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(evidence.method(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header : evidence.requestHeaders().asMap().entrySet()) {
            if (!SKIPPED_HEADERS.contains(header.getKey()) && !header.getKey().startsWith("x-strangler-")) {
                header.getValue().forEach(v -> request.header(header.getKey(), v));
            }
        }
        if (shadow) {
            request.header("X-Strangler-Shadow", "1");
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpHeaders.Builder headers = HttpHeaders.builder();
        response.headers().map().forEach((name, values) -> values.forEach(v -> headers.add(name, v)));
        return new ShadowResponse(response.statusCode(), headers.build(), response.body(), false, -1);
    }
}
