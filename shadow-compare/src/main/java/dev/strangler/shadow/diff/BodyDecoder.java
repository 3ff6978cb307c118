package dev.strangler.shadow.diff;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import dev.strangler.shadow.ShadowResponse;

/**
 * Undoes {@code Content-Encoding} before bodies are compared or redacted: one side may gzip
 * and the other not, and compressed bytes can still carry readable fragments of patient data.
 * Decoding is bounded; an unknown or broken encoding yields null (callers then compare raw
 * bytes and never store the body).
 */
public final class BodyDecoder {

    /** Decoded bodies larger than this are not decoded (a zip bomb must not exhaust the heap). */
    public static final int MAX_DECODED_BYTES = 8 * 1024 * 1024;

    private BodyDecoder() {
    }

    /** The body without content coding, or null if the coding is unknown, broken or too large. */
    public static byte[] decoded(ShadowResponse response) {
        return decoded(response.body(), response.headers().get("content-encoding"));
    }

    /** As {@link #decoded(ShadowResponse)} for any body and {@code Content-Encoding} value. */
    public static byte[] decoded(byte[] body, String contentEncoding) {
        String coding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (coding.isEmpty() || coding.equals("identity") || body.length == 0) {
            return body;
        }
        try {
            return switch (coding) {
                case "gzip", "x-gzip" -> read(new GZIPInputStream(new ByteArrayInputStream(body)));
                case "deflate" -> read(new InflaterInputStream(new ByteArrayInputStream(body)));
                default -> null; // br, zstd, chains: not decoded here
            };
        } catch (IOException broken) {
            return null; // not what the header claims: treated as undecodable, never stored
        }
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            byte[] out = in.readNBytes(MAX_DECODED_BYTES + 1);
            return out.length > MAX_DECODED_BYTES ? null : out;
        }
    }
}
