package dev.strangler.shadow.noise;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NoiseLearnerTest {

    @Test
    void fieldDifferingBetweenPrimariesIsNoiseUnlessShadowDiffersMuchMoreOften() {
        NoiseLearner learner = new NoiseLearner(new NoiseRule(2.0, 0.05));
        for (int i = 0; i < 100; i++) {
            // /updatedAt differs in half the primary pairs; /status never does.
            learner.recordPrimaryPair("r", i % 2 == 0 ? List.of("/updatedAt", "header:date") : List.of("header:date"));
            // shadow: /updatedAt and date always differ; /status differs 30% of the time; /flaky 90%.
            learner.recordShadowComparison("r", i % 10 < 3
                    ? List.of("/updatedAt", "header:date", "/status", "/flaky")
                    : List.of("/updatedAt", "header:date", "/flaky"));
        }
        learner.recordPrimaryPair("r", List.of("/flaky")); // once in 101 pairs: 1% noise, far below 90%

        assertThat(learner.isNoise("r", "header:date")).isTrue();
        assertThat(learner.isNoise("r", "/updatedAt")).isTrue();   // 100% <= 50% * 2 + 5%
        assertThat(learner.isNoise("r", "/status")).isFalse();     // never differs between primaries
        assertThat(learner.isNoise("r", "/flaky")).isFalse();      // 90% > 1% * 2 + 5%
        assertThat(learner.isNoise("other", "header:date")).isFalse();
        assertThat(learner.noiseFields("r")).extracting(NoiseLearner.NoiseField::field)
                .containsExactly("header:date", "/updatedAt");
        assertThat(learner.noiseFields("r").get(1).noiseRate()).isCloseTo(50 / 101.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void ruleNeedsEvidenceOfNoise() {
        NoiseRule rule = new NoiseRule(2.0, 0.05);
        assertThat(rule.isNoise(0, 100, 1, 100)).isFalse();
        assertThat(rule.isNoise(10, 0, 1, 100)).isFalse();
        assertThat(rule.isNoise(10, 100, 25, 100)).isTrue();
        assertThat(rule.isNoise(10, 100, 26, 100)).isFalse();
    }
}
