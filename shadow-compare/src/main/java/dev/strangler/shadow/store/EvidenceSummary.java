package dev.strangler.shadow.store;

import java.time.Instant;
import java.util.List;

import dev.strangler.shadow.diff.Difference;

/** One stored example in a listing (redacted request line and the differences, no bodies). */
public record EvidenceSummary(long id, String route, Instant createdAt, String requestLine,
                              List<Difference> differences, boolean replayable) {
}
