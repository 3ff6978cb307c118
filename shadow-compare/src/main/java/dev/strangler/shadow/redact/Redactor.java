package dev.strangler.shadow.redact;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.strangler.shadow.HttpHeaders;

import static java.util.Objects.requireNonNull;

/**
 * Replaces patient data with keyed hashes before anything is stored: configured and
 * heuristically sensitive fields (their whole value), and values shaped like SSNs, emails,
 * phone numbers, dates and street addresses wherever they appear. A hash reads
 * {@code hmac:<24 hex>} (HMAC-SHA256 of the UTF-8 value, truncated to 96 bits): equal values
 * give equal hashes, so evidence still correlates, but cannot be read back without the key.
 * Thread-safe (one {@link Mac} per thread).
 */
public final class Redactor {

    /** Prefix of every hash this redactor writes. */
    public static final String HASH_PREFIX = "hmac:";

    private final RedactionConfig config;
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public Redactor(RedactionConfig config) {
        this.config = requireNonNull(config, "config");
        this.key = new SecretKeySpec(config.hmacKey(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
        newMac(); // fail at start, not on the first request, if the JDK lacks HmacSHA256
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JDK", e);
        }
    }

    /** The keyed hash of {@code value}. */
    public String hash(String value) {
        byte[] digest = macs.get().doFinal(value.getBytes(StandardCharsets.UTF_8));
        return HASH_PREFIX + HexFormat.of().formatHex(digest, 0, 12);
    }

    /** True if a field, parameter or header named {@code name} is hashed whole. */
    public boolean isSensitiveName(String name) {
        return config.sensitiveFields().contains(name.toLowerCase(java.util.Locale.ROOT)) || PhiPatterns.isSensitiveName(name);
    }

    /** {@code text} with every PHI-shaped substring replaced by its hash. */
    public String redactText(String text) {
        if (!config.detectValues() || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (Pattern pattern : PhiPatterns.VALUES) {
            Matcher m = pattern.matcher(result);
            if (m.find()) {
                StringBuilder sb = new StringBuilder(result.length());
                do {
                    m.appendReplacement(sb, Matcher.quoteReplacement(hash(m.group())));
                } while (m.find());
                m.appendTail(sb);
                result = sb.toString();
            }
        }
        return result;
    }

    /**
     * A JSON Pointer with PHI-shaped segments hashed (objects may be keyed by e-mail or SSN);
     * the same string when nothing matched. Cheap for ordinary pointers: PHI shapes need an
     * {@code @} or a run of three digits.
     */
    public String redactPointer(String pointer) {
        int digits = 0;
        for (int i = 0; i < pointer.length(); i++) {
            char c = pointer.charAt(i);
            digits = c >= '0' && c <= '9' ? digits + 1 : 0;
            if (c == '@' || digits >= 3) {
                return redactText(pointer);
            }
        }
        return pointer;
    }

    /** A redacted copy of {@code node}; the input is not modified. */
    public JsonNode redactJson(JsonNode node) {
        return redactNode(node, false);
    }

    private JsonNode redactNode(JsonNode node, boolean sensitive) {
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                // Keys can be data too (objects keyed by e-mail or SSN): scan them like values.
                copy.set(redactText(field.getKey()), redactNode(field.getValue(), sensitive || isSensitiveName(field.getKey())));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
            for (JsonNode element : node) {
                copy.add(redactNode(element, sensitive));
            }
            return copy;
        }
        if (node.isNull() || node.isBoolean()) {
            return node; // no information about a person in null/true/false
        }
        if (sensitive) {
            return TextNode.valueOf(hash(node.asText()));
        }
        return node.isTextual() ? TextNode.valueOf(redactText(node.textValue())) : node;
    }

    /** Redacted headers; names of the headers that were changed are added to {@code redactedParts}. */
    public HttpHeaders redactHeaders(HttpHeaders headers, List<String> redactedParts) {
        HttpHeaders.Builder out = HttpHeaders.builder();
        headers.asMap().forEach((name, values) -> {
            boolean whole = PhiPatterns.HEADERS.contains(name) || config.sensitiveHeaders().contains(name)
                    || isSensitiveName(name);
            boolean changed = false;
            for (String value : values) {
                String redacted = whole ? hash(value) : redactText(value);
                changed |= !redacted.equals(value);
                out.add(name, redacted);
            }
            if (changed) {
                redactedParts.add("header:" + name);
            }
        });
        return out.build();
    }

    /** A redacted raw query string ({@code a=b&c=d}); changed parameter names go to {@code redactedParts}. */
    public String redactQuery(String query, List<String> redactedParts) {
        if (query.isEmpty()) {
            return query;
        }
        List<String> pairs = new ArrayList<>();
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name = decode(rawName);
            String redactedName = redactText(name);
            if (eq < 0) {
                pairs.add(redactedName.equals(name) ? pair : encode(redactedName));
                if (!redactedName.equals(name)) {
                    redactedParts.add("query");
                }
                continue;
            }
            String value = decode(pair.substring(eq + 1));
            String redacted = isSensitiveName(name) ? hash(value) : redactText(value);
            if (redacted.equals(value) && redactedName.equals(name)) {
                pairs.add(pair);
            } else {
                redactedParts.add("query:" + (redactedName.equals(name) ? name : redactedName));
                pairs.add(encode(redactedName) + "=" + encode(redacted));
            }
        }
        return String.join("&", pairs);
    }

    /** A redacted path: PHI-shaped segments hashed; adds {@code path} to {@code redactedParts} if changed. */
    public String redactPath(String path, List<String> redactedParts) {
        String decoded = decode(path);
        String redacted = redactText(decoded);
        if (redacted.equals(decoded)) {
            return path;
        }
        redactedParts.add("path");
        return redacted;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s; // keep malformed escapes as they are; the text is still scanned for PHI
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
