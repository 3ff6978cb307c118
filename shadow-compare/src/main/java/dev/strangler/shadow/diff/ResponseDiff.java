package dev.strangler.shadow.diff;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.strangler.shadow.ShadowResponse;

import static java.util.Objects.requireNonNull;

/**
 * Compares two whole responses: status, the configured headers, then the body — as JSON
 * trees when either side says {@code json} in its content type, otherwise as bytes after a
 * cheap, content-type-aware normalisation (text: CRLF → LF, trailing whitespace per line and
 * at the end dropped). Thread-safe.
 */
public final class ResponseDiff {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER, StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
            .build();

    private final JsonDiff jsonDiff;
    private final StreamingDiff streamingDiff; // null when array rules need trees
    private final List<String> headers;
    private final UnaryOperator<JsonNode> primaryNormalizer;
    private final UnaryOperator<JsonNode> shadowNormalizer;
    private final boolean normalizes;

    /**
     * @param options           JSON comparison options
     * @param headers           header names to compare (case-insensitive)
     * @param primaryNormalizer applied to the primary's JSON body before comparing
     * @param shadowNormalizer  applied to the shadow's JSON body before comparing
     */
    public ResponseDiff(DiffOptions options, List<String> headers,
                        UnaryOperator<JsonNode> primaryNormalizer, UnaryOperator<JsonNode> shadowNormalizer) {
        this.jsonDiff = new JsonDiff(options);
        this.streamingDiff = StreamingDiff.applies(options) ? new StreamingDiff(options) : null;
        this.headers = headers.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        this.primaryNormalizer = requireNonNull(primaryNormalizer, "primaryNormalizer");
        this.shadowNormalizer = requireNonNull(shadowNormalizer, "shadowNormalizer");
        this.normalizes = primaryNormalizer != UnaryOperator.<JsonNode>identity()
                || shadowNormalizer != UnaryOperator.<JsonNode>identity();
    }

    /** The shared, read-only JSON mapper (parsing only). */
    public static ObjectMapper json() {
        return JSON;
    }

    /**
     * Differences between {@code a} and {@code b}. {@code bIsShadow} selects the normaliser for
     * {@code b}: false when comparing the primary with itself (noise learning).
     */
    public List<Difference> diff(ShadowResponse a, ShadowResponse b, boolean bIsShadow) {
        List<Difference> out = new ArrayList<>();
        if (a.status() != b.status()) {
            out.add(new Difference(Difference.STATUS, DiffKind.CHANGED));
        }
        for (String name : headers) {
            String va = a.headers().get(name);
            String vb = b.headers().get(name);
            if (!Objects.equals(va, vb)) {
                DiffKind kind = va == null ? DiffKind.EXTRA : vb == null ? DiffKind.MISSING : DiffKind.CHANGED;
                out.add(new Difference(Difference.HEADER_PREFIX + name, kind));
            }
        }
        diffBodies(a, b, bIsShadow ? shadowNormalizer : primaryNormalizer, out);
        return out;
    }

    private void diffBodies(ShadowResponse a, ShadowResponse b, UnaryOperator<JsonNode> bNormalizer, List<Difference> out) {
        if (!normalizes && Arrays.equals(a.body(), b.body())
                && Objects.equals(a.headers().get("content-encoding"), b.headers().get("content-encoding"))) {
            return; // identical bytes are equal under every rule: skip parsing (the common case)
        }
        byte[] bodyA = decodedOrRaw(a);
        byte[] bodyB = decodedOrRaw(b);
        if (isJson(a.contentType()) || isJson(b.contentType())) {
            if (streamingDiff != null && !normalizes) {
                // Same keys in the same order on both sides (the usual case): diff the token streams, no trees.
                List<Difference> fast = streamingDiff.diff(bodyA, bodyB);
                if (fast != null) {
                    out.addAll(fast);
                    return;
                }
            }
            JsonNode ta = parse(bodyA);
            JsonNode tb = parse(bodyB);
            if (ta != null && tb != null) {
                out.addAll(jsonDiff.diff(primaryNormalizer.apply(ta), bNormalizer.apply(tb)));
                return;
            }
            if (ta != null || tb != null) {
                out.add(new Difference(Difference.BODY, DiffKind.TYPE)); // JSON on one side only
                return;
            }
        }
        if (!Arrays.equals(normalizeBytes(bodyA, a.contentType()), normalizeBytes(bodyB, b.contentType()))) {
            out.add(new Difference(Difference.BODY, DiffKind.CHANGED));
        }
    }

    /** Parses a body as JSON; null when empty or not JSON. */
    public static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null; // reported by the caller as a body TYPE difference, never thrown
        }
    }

    static boolean isJson(String contentType) {
        return contentType.toLowerCase(Locale.ROOT).contains("json");
    }

    static boolean isText(String contentType) {
        String ct = contentType.toLowerCase(Locale.ROOT);
        return ct.startsWith("text/") || ct.contains("xml") || ct.contains("html") || ct.contains("json")
                || ct.contains("javascript") || ct.contains("x-www-form-urlencoded") || ct.isEmpty();
    }

    private static byte[] decodedOrRaw(ShadowResponse response) {
        byte[] decoded = BodyDecoder.decoded(response);
        return decoded == null ? response.body() : decoded;
    }

    private static byte[] normalizeBytes(byte[] body, String contentType) {
        if (!isText(contentType)) {
            return body;
        }
        String text = new String(body, StandardCharsets.UTF_8).replace("\r\n", "\n");
        StringBuilder sb = new StringBuilder(text.length());
        for (String line : text.split("\n", -1)) {
            sb.append(line.stripTrailing()).append('\n');
        }
        return sb.toString().stripTrailing().getBytes(StandardCharsets.UTF_8);
    }
}
