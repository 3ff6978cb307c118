package dev.strangler.shadow.diff;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.ShadowResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseDiffTest {

    private final ResponseDiff diff = new ResponseDiff(DiffOptions.DEFAULT, List.of("Content-Type", "X-Version"),
            UnaryOperator.identity(), UnaryOperator.identity());

    private static ShadowResponse response(int status, String contentType, String body, String... extraHeaders) {
        HttpHeaders.Builder h = HttpHeaders.builder().add("Content-Type", contentType);
        for (int i = 0; i < extraHeaders.length; i += 2) {
            h.add(extraHeaders[i], extraHeaders[i + 1]);
        }
        return ShadowResponse.of(status, h.build(), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void comparesStatusConfiguredHeadersAndJsonBody() {
        List<Difference> diffs = diff.diff(
                response(200, "application/json", "{\"a\":1}", "X-Version", "1", "Date", "x"),
                response(201, "application/json", "{\"a\":2}", "Date", "y"), true);

        assertThat(diffs).containsExactly(
                new Difference("status", DiffKind.CHANGED),
                new Difference("header:x-version", DiffKind.MISSING),
                new Difference("/a", DiffKind.CHANGED));
    }

    @Test
    void textBodiesIgnoreLineEndingsAndTrailingWhitespace() {
        assertThat(diff.diff(response(200, "text/plain", "a  \r\nb\r\n\r\n"), response(200, "text/plain", "a\nb"), true))
                .isEmpty();
        assertThat(diff.diff(response(200, "text/plain", "a b"), response(200, "text/plain", "a  b"), true))
                .containsExactly(new Difference("body", DiffKind.CHANGED));
    }

    @Test
    void gzippedAndPlainBodiesWithTheSameContentAreEqual() throws Exception {
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        }
        ShadowResponse zipped = ShadowResponse.of(200, HttpHeaders.builder().add("Content-Type", "application/json")
                .add("Content-Encoding", "gzip").build(), gz.toByteArray());

        assertThat(diff.diff(zipped, response(200, "application/json", "{\"a\": 1}"), true)).isEmpty();
        assertThat(diff.diff(zipped, response(200, "application/json", "{\"a\": 2}"), true))
                .containsExactly(new Difference("/a", DiffKind.CHANGED));
    }

    @Test
    void binaryBodiesCompareByBytesAndJsonVersusGarbageIsAType() {
        assertThat(diff.diff(response(200, "application/octet-stream", "ab "), response(200, "application/octet-stream", "ab"), true))
                .containsExactly(new Difference("body", DiffKind.CHANGED));
        assertThat(diff.diff(response(200, "application/json", "{}"), response(200, "application/json", "<html>"), true))
                .containsExactly(new Difference("body", DiffKind.TYPE));
    }
}
