package dev.strangler.proxy.internal;

import static dev.strangler.proxy.internal.ReplayPolicy.Action.FAIL;
import static dev.strangler.proxy.internal.ReplayPolicy.Action.FALLBACK;
import static dev.strangler.proxy.internal.ReplayPolicy.Action.PASS;
import static dev.strangler.proxy.internal.ReplayPolicy.Action.RETRY_FRESH;
import static dev.strangler.proxy.internal.ReplayPolicy.Action.RETRY_OTHER_ENDPOINT;
import static dev.strangler.proxy.internal.ReplayPolicy.Failure.CONNECT;
import static dev.strangler.proxy.internal.ReplayPolicy.Failure.REFUSED;
import static dev.strangler.proxy.internal.ReplayPolicy.Failure.RESET;
import static dev.strangler.proxy.internal.ReplayPolicy.Failure.SERVER_ERROR;
import static dev.strangler.proxy.internal.ReplayPolicy.Failure.STALE;
import static dev.strangler.proxy.internal.ReplayPolicy.Failure.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayPolicyTest {

    private static ReplayPolicy.Action decide(ReplayPolicy.Failure f, String method, boolean canFallBack, boolean other) {
        return ReplayPolicy.decide(f, method, canFallBack, true, false, true, other);
    }

    @Test
    void unsentRequestsOfAnyMethodGoToAnotherEndpointThenToTheMonolith() {
        for (String m : new String[] {"GET", "POST", "PATCH"}) {
            assertThat(decide(REFUSED, m, true, true)).isEqualTo(FALLBACK);
            assertThat(decide(REFUSED, m, false, true)).isEqualTo(FAIL);
            assertThat(decide(CONNECT, m, true, true)).isEqualTo(RETRY_OTHER_ENDPOINT);
            assertThat(decide(CONNECT, m, true, false)).isEqualTo(FALLBACK);
            assertThat(decide(CONNECT, m, false, false)).isEqualTo(FAIL);
        }
    }

    @Test
    void staleConnectionsAreRetriedOnceForIdempotentMethodsOnly() {
        assertThat(decide(STALE, "GET", false, false)).isEqualTo(RETRY_FRESH);
        assertThat(decide(STALE, "PUT", false, false)).isEqualTo(RETRY_FRESH);
        assertThat(decide(STALE, "DELETE", false, false)).isEqualTo(RETRY_FRESH);
        assertThat(decide(STALE, "POST", true, true)).isEqualTo(FAIL);
        assertThat(ReplayPolicy.decide(STALE, "GET", false, true, true, true, false)).as("second time").isEqualTo(FAIL);
        assertThat(ReplayPolicy.decide(STALE, "GET", false, false, false, true, false)).as("body not held").isEqualTo(FAIL);
    }

    @Test
    void aResetGoesToAnotherEndpointForIdempotentAndToTheMonolithForSafeMethods() {
        assertThat(decide(RESET, "PUT", true, true)).isEqualTo(RETRY_OTHER_ENDPOINT);
        assertThat(decide(RESET, "PUT", true, false)).as("a write may have landed on the target").isEqualTo(FAIL);
        assertThat(decide(RESET, "GET", true, false)).isEqualTo(FALLBACK);
        assertThat(decide(RESET, "POST", true, true)).isEqualTo(FAIL);
        assertThat(ReplayPolicy.decide(RESET, "GET", true, true, false, false, true)).as("no retries left").isEqualTo(FALLBACK);
    }

    @Test
    void timeoutsAndServerErrorsFallBackForSafeMethodsOnly() {
        assertThat(decide(TIMEOUT, "GET", true, true)).isEqualTo(FALLBACK);
        assertThat(decide(TIMEOUT, "HEAD", true, true)).isEqualTo(FALLBACK);
        assertThat(decide(TIMEOUT, "DELETE", true, true)).isEqualTo(FAIL);
        assertThat(decide(TIMEOUT, "GET", false, true)).isEqualTo(FAIL);
        assertThat(decide(SERVER_ERROR, "OPTIONS", true, true)).isEqualTo(FALLBACK);
        assertThat(decide(SERVER_ERROR, "POST", true, true)).isEqualTo(PASS);
        assertThat(decide(SERVER_ERROR, "GET", false, true)).isEqualTo(PASS);
        assertThat(ReplayPolicy.decide(SERVER_ERROR, "GET", true, false, false, true, true)).as("body overflowed").isEqualTo(PASS);
    }
}
