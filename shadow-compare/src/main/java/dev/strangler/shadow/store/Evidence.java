package dev.strangler.shadow.store;

import java.time.Instant;
import java.util.List;

import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.diff.Difference;

/**
 * A redacted example of a mismatch, as stored: nothing in here may hold readable patient
 * data (the comparator builds it through the {@code Redactor}).
 *
 * @param id                 store id (0 before it is stored)
 * @param requestRedactions  parts of the request redaction changed ({@code path}, {@code query:x},
 *                           {@code header:x}, {@code body}); empty means the stored request can be replayed
 */
public record Evidence(long id, String route, Instant createdAt, List<Difference> differences,
                       String method, String requestTarget, HttpHeaders requestHeaders, String requestBody,
                       List<String> requestRedactions,
                       int primaryStatus, HttpHeaders primaryHeaders, String primaryBody,
                       int shadowStatus, HttpHeaders shadowHeaders, String shadowBody) {

    public Evidence {
        differences = List.copyOf(differences);
        requestRedactions = List.copyOf(requestRedactions);
    }

    /** {@code METHOD target}. */
    public String requestLine() {
        return method + " " + requestTarget;
    }

    /** True when redaction left the request exactly as the client sent it. */
    public boolean replayable() {
        return requestRedactions.isEmpty();
    }

    @Override
    public String toString() {
        return "Evidence[id=" + id + ", route=" + route + ", differences=" + differences.size() + "]";
    }
}
