package dev.strangler.shadow;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Test helpers building exchanges with JSON bodies. */
public final class Exchanges {

    private Exchanges() {
    }

    public static ShadowResponse json(int status, String body) {
        return ShadowResponse.of(status, HttpHeaders.builder().add("Content-Type", "application/json").build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    public static ShadowResponse json(int status, String body, String date) {
        return ShadowResponse.of(status, HttpHeaders.builder().add("Content-Type", "application/json")
                .add("Date", date).build(), body.getBytes(StandardCharsets.UTF_8));
    }

    public static ShadowExchange exchange(String route, String primaryBody, String shadowBody) {
        return ShadowExchange.builder(route).request("GET", "/api/x", "").primary(json(200, primaryBody))
                .shadow(json(200, shadowBody)).startedAt(Instant.now()).build();
    }
}
