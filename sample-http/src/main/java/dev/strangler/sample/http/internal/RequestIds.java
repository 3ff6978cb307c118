package dev.strangler.sample.http.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Server-generated request ids: random, so two answers to one request never share one. */
final class RequestIds {

    private RequestIds() {
    }

    static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID(r.nextLong(), r.nextLong()).toString();
    }
}
