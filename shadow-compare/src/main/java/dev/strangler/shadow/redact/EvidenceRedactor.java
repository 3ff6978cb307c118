package dev.strangler.shadow.redact;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.ShadowExchange;
import dev.strangler.shadow.ShadowResponse;
import dev.strangler.shadow.diff.BodyDecoder;
import dev.strangler.shadow.diff.Difference;
import dev.strangler.shadow.diff.ResponseDiff;
import dev.strangler.shadow.store.Evidence;

import static java.util.Objects.requireNonNull;

/**
 * Turns an exchange into stored {@link Evidence}: request line, headers and bodies all go
 * through the {@link Redactor}; binary bodies and bodies over the size limit are replaced by
 * a note, never stored raw. Thread-safe.
 */
public final class EvidenceRedactor {

    private final Redactor redactor;
    private final int maxBodyBytes;
    private final ObjectMapper json = ResponseDiff.json();

    public EvidenceRedactor(Redactor redactor, int maxBodyBytes) {
        this.redactor = requireNonNull(redactor, "redactor");
        this.maxBodyBytes = maxBodyBytes;
    }

    public Evidence redact(ShadowExchange exchange, List<Difference> differences, Instant at) {
        List<String> parts = new ArrayList<>();
        String path = redactor.redactPath(exchange.path(), parts);
        String query = redactor.redactQuery(exchange.query(), parts);
        HttpHeaders requestHeaders = redactor.redactHeaders(exchange.requestHeaders(), parts);
        String requestBody = body(exchange.requestBody(), exchange.requestHeaders().get("content-encoding"),
                exchange.requestHeaders().get("content-type"), parts);
        ShadowResponse primary = exchange.primary();
        ShadowResponse shadow = exchange.shadow();
        List<String> ignored = new ArrayList<>(); // response redactions do not affect replay
        return new Evidence(0, exchange.routeId(), at, differences, exchange.method(),
                path + (query.isEmpty() ? "" : "?" + query), requestHeaders, requestBody, parts,
                primary.status(), redactor.redactHeaders(primary.headers(), ignored),
                body(primary.body(), primary.headers().get("content-encoding"), primary.contentType(), ignored),
                shadow.status(), redactor.redactHeaders(shadow.headers(), ignored),
                body(shadow.body(), shadow.headers().get("content-encoding"), shadow.contentType(), ignored));
    }

    private String body(byte[] raw, String contentEncoding, String contentType, List<String> parts) {
        if (raw.length == 0) {
            return "";
        }
        // Compressed bytes can hold readable fragments: store only what we could decode and redact.
        byte[] bytes = BodyDecoder.decoded(raw, contentEncoding);
        if (bytes != raw) {
            parts.add("body"); // decoded or dropped: no longer the bytes that were sent
        }
        if (bytes == null) {
            String coding = contentEncoding.replaceAll("[^A-Za-z0-9,. -]", "?");
            return "(" + raw.length + " bytes with content-encoding " + coding.substring(0, Math.min(40, coding.length()))
                    + ": not decoded, not stored)";
        }
        if (bytes.length > maxBodyBytes) {
            parts.add("body");
            return "(" + bytes.length + " bytes: larger than the evidence limit of " + maxBodyBytes + ", not stored)";
        }
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (ct.contains("json")) {
            JsonNode tree = ResponseDiff.parse(bytes);
            if (tree != null) {
                JsonNode redacted = redactor.redactJson(tree);
                if (!redacted.equals(tree)) {
                    parts.add("body");
                }
                try {
                    return json.writeValueAsString(redacted).replace("\u0000", "\\u0000");
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("re-serialising a parsed JSON tree failed", e);
                }
            }
        }
        if (ct.isEmpty() || ct.startsWith("text/") || ct.contains("json") || ct.contains("xml") || ct.contains("html")
                || ct.contains("x-www-form-urlencoded")) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            String redacted = ct.contains("x-www-form-urlencoded") ? redactor.redactQuery(text, new ArrayList<>())
                    : redactor.redactText(text);
            if (!redacted.equals(text)) {
                parts.add("body");
            }
            return redacted.replace("\u0000", "\\u0000");
        }
        parts.add("body");
        return "(" + bytes.length + " bytes of " + ct + ": binary, not stored)";
    }
}
