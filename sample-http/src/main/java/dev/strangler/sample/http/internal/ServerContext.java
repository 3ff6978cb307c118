package dev.strangler.sample.http.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.sample.http.Routes;
import java.time.Clock;
import java.util.concurrent.Executor;

/** Everything the per-connection handlers share; immutable. */
public record ServerContext(String name, Routes routes, ObjectMapper mapper, Clock clock, Executor executor,
        boolean stampResponses, int maxBodyBytes, int maxFrameBytes) {
}
