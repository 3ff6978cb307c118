package dev.strangler.shadow.redact;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.ShadowExchange;
import dev.strangler.shadow.ShadowResponse;
import dev.strangler.shadow.diff.DiffKind;
import dev.strangler.shadow.diff.Difference;
import dev.strangler.shadow.store.Evidence;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EvidenceRedactorTest {

    private final EvidenceRedactor redactor = new EvidenceRedactor(
            new Redactor(RedactionConfig.builder().hmacKey("evidence-key-0123456789").build()), 64);

    private static ShadowResponse response(String contentType, byte[] body) {
        return ShadowResponse.of(200, HttpHeaders.builder().add("Content-Type", contentType).build(), body);
    }

    @Test
    void keepsCleanRequestsReplayableAndNeverStoresBinaryOrOversizedBodies() {
        ShadowExchange exchange = ShadowExchange.builder("r").request("GET", "/appointments/7", "view=full")
                .primary(response("image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0}))
                .shadow(response("text/plain", "x".repeat(100).getBytes(StandardCharsets.UTF_8))).build();

        Evidence evidence = redactor.redact(exchange, List.of(new Difference("body", DiffKind.CHANGED)), Instant.EPOCH);

        assertThat(evidence.replayable()).isTrue();
        assertThat(evidence.requestLine()).isEqualTo("GET /appointments/7?view=full");
        assertThat(evidence.primaryBody()).isEqualTo("(5 bytes of image/png: binary, not stored)");
        assertThat(evidence.shadowBody()).startsWith("(100 bytes: larger than the evidence limit of 64");
    }

    @Test
    void decodesCompressedBodiesBeforeRedactingAndNeverStoresUndecodableOnes() throws Exception {
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write("{\"email\":\"jane@example.com\"}".getBytes(StandardCharsets.UTF_8));
        }
        ShadowResponse zipped = ShadowResponse.of(200, HttpHeaders.builder().add("Content-Type", "application/json")
                .add("Content-Encoding", "gzip").build(), gz.toByteArray());
        ShadowResponse brotli = ShadowResponse.of(200, HttpHeaders.builder().add("Content-Type", "application/json")
                .add("Content-Encoding", "br").build(), new byte[] {1, 2, 3});
        ShadowExchange exchange = ShadowExchange.builder("r").primary(zipped).shadow(brotli).build();

        Evidence evidence = new EvidenceRedactor(new Redactor(RedactionConfig.builder().hmacKey("evidence-key-0123456789")
                .build()), 4096).redact(exchange, List.of(), Instant.EPOCH);

        assertThat(evidence.primaryBody()).startsWith("{\"email\":\"hmac:").doesNotContain("jane");
        assertThat(evidence.shadowBody()).isEqualTo("(3 bytes with content-encoding br: not decoded, not stored)");
    }

    @Test
    void listsRedactedRequestPartsSoReplayIsRefused() {
        ShadowExchange exchange = ShadowExchange.builder("r").request("POST", "/notes", "")
                .requestHeaders(HttpHeaders.builder().add("Content-Type", "application/json").build())
                .requestBody("{\"email\":\"a@b.io\"}".getBytes(StandardCharsets.UTF_8))
                .primary(response("application/json", "{}".getBytes(StandardCharsets.UTF_8)))
                .shadow(response("application/json", "{}".getBytes(StandardCharsets.UTF_8))).build();

        Evidence evidence = redactor.redact(exchange, List.of(), Instant.EPOCH);

        assertThat(evidence.requestRedactions()).containsExactly("body");
        assertThat(evidence.requestBody()).doesNotContain("a@b.io").contains("hmac:");
        assertThat(evidence.replayable()).isFalse();
    }
}
