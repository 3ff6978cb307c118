package dev.strangler.proxy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StickyBucketerTest {

    private static Route route(int weight) {
        return new Route("appointments", RouteMatch.prefix("/api"), "monolith", "appointments", weight,
                new Sticky(Sticky.Source.HEADER, "X-Patient-Id"), null);
    }

    private static HttpHeaders patient(String id) {
        return new DefaultHttpHeaders().set("X-Patient-Id", id);
    }

    @Test
    void murmur3MatchesReferenceVectors() {
        // Published MurmurHash3_x86_32 test vectors (seed 0).
        assertThat(Murmur3.hash32(new byte[0], 0)).isZero();
        assertThat(Murmur3.hash32("hello".getBytes(StandardCharsets.UTF_8), 0)).isEqualTo(0x248bfa47);
        assertThat(Murmur3.hash32("The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8), 0))
                .isEqualTo(0x2e4ff723);
        assertThat(Murmur3.hash32("abc".getBytes(StandardCharsets.UTF_8), 0)).isEqualTo(0xb3dd93fa);
    }

    @Test
    void bucketIsStableAndInRange() {
        int b = StickyBucketer.bucket("appointments", "patient-42");
        assertThat(b).isBetween(0, 9_999);
        assertThat(StickyBucketer.bucket("appointments", "patient-42")).isEqualTo(b);
        // a different route spreads the same key independently
        assertThat(Set.of(StickyBucketer.bucket("a", "k1"), StickyBucketer.bucket("b", "k1"),
                StickyBucketer.bucket("c", "k1"))).hasSizeGreaterThan(1);
    }

    @Test
    void raisingWeightOnlyMovesKeysLegacyToTargetAndLoweringOnlyBack() {
        int[] weights = {0, 100, 500, 2500, 2400, 5000, 9999, 10000, 3000, 0};
        for (int k = 0; k < 20_000; k++) {
            HttpHeaders h = patient("p" + k);
            boolean previous = StickyBucketer.toTarget(route(weights[0]), h);
            for (int i = 1; i < weights.length; i++) {
                boolean now = StickyBucketer.toTarget(route(weights[i]), h);
                if (weights[i] > weights[i - 1]) {
                    assertThat(!previous || now).as("key p%d moved back when weight rose to %d", k, weights[i]).isTrue();
                } else if (weights[i] < weights[i - 1]) {
                    assertThat(previous || !now).as("key p%d moved to target when weight fell to %d", k, weights[i]).isTrue();
                }
                previous = now;
            }
        }
    }

    @Test
    void hundredThousandKeysSplitWithinOnePercentOfTheWeight() {
        for (int weight : new int[] {100, 1000, 2500, 5000, 9000}) {
            Route r = route(weight);
            int toTarget = 0;
            for (int k = 0; k < 100_000; k++) {
                if (StickyBucketer.toTarget(r, patient("patient-" + k))) {
                    toTarget++;
                }
            }
            double share = toTarget / 100_000.0;
            assertThat(share).as("weight %d bps", weight).isBetween(weight / 10_000.0 - 0.01, weight / 10_000.0 + 0.01);
        }
    }

    @Test
    void requestsWithoutKeyAreBucketedEachOnTheirOwn() {
        Route r = route(5000);
        int toTarget = 0;
        for (int i = 0; i < 20_000; i++) {
            if (StickyBucketer.toTarget(r, new DefaultHttpHeaders())) {
                toTarget++;
            }
        }
        assertThat(toTarget / 20_000.0).isBetween(0.47, 0.53);
    }

    @Test
    void extremeWeightsNeverLookAtTheKey() {
        assertThat(StickyBucketer.toTarget(route(0), patient("x"))).isFalse();
        assertThat(StickyBucketer.toTarget(route(10_000), patient("x"))).isTrue();
    }

    @Test
    void readsKeyFromCookieAndJwtSubject() {
        HttpHeaders h = new DefaultHttpHeaders().add("Cookie", "a=1; sid=abc123; b=2");
        assertThat(StickyBucketer.stickyKey(new Sticky(Sticky.Source.COOKIE, "sid"), h)).isEqualTo("abc123");

        String payload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"patient-7\",\"iat\":1}".getBytes(StandardCharsets.UTF_8));
        HttpHeaders jwt = new DefaultHttpHeaders().set("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9." + payload + ".sig");
        assertThat(StickyBucketer.stickyKey(new Sticky(Sticky.Source.JWT_CLAIM, "sub"), jwt)).isEqualTo("patient-7");
    }

    @Test
    void malformedJwtHasNoKey() {
        for (String auth : new String[] {"Bearer nodots", "Bearer a.!!!.c", "Basic abc", "Bearer a.e30.c"}) {
            assertThat(StickyBucketer.jwtClaim(auth, "sub")).as(auth).isNull();
        }
    }
}
