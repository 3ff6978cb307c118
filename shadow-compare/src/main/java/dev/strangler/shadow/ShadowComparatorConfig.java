package dev.strangler.shadow;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

/**
 * Settings of the comparator itself (not per route).
 *
 * @param workers                    comparison threads (default: half the cores, at least 1)
 * @param queueCapacity              exchanges waiting for a worker; beyond it submissions are
 *                                   dropped and counted (default 10,000)
 * @param evidencePerFieldPerMinute  redacted examples kept per route and field per minute (default 3)
 * @param maxEvidenceBodyBytes       bodies larger than this are stored as a size note only (default 65,536)
 * @param noiseRelativeThreshold     a field is real if it differs primary-vs-shadow more than this
 *                                   many times as often as primary-vs-primary (default 2.0)
 * @param noiseAbsoluteThreshold     ... plus this absolute rate (default 0.05)
 */
@JsonDeserialize(builder = ShadowComparatorConfig.Builder.class)
public record ShadowComparatorConfig(int workers, int queueCapacity, int evidencePerFieldPerMinute,
                                     int maxEvidenceBodyBytes, double noiseRelativeThreshold,
                                     double noiseAbsoluteThreshold) {

    public ShadowComparatorConfig {
        positive("workers", workers);
        positive("queueCapacity", queueCapacity);
        if (evidencePerFieldPerMinute < 0) {
            throw new IllegalArgumentException("evidencePerFieldPerMinute: " + evidencePerFieldPerMinute + " (expected: >= 0)");
        }
        positive("maxEvidenceBodyBytes", maxEvidenceBodyBytes);
        if (!(noiseRelativeThreshold >= 1)) {
            throw new IllegalArgumentException("noiseRelativeThreshold: " + noiseRelativeThreshold + " (expected: >= 1)");
        }
        if (!(noiseAbsoluteThreshold >= 0 && noiseAbsoluteThreshold <= 1)) {
            throw new IllegalArgumentException("noiseAbsoluteThreshold: " + noiseAbsoluteThreshold + " (expected: 0..1)");
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
        }
    }

    public static ShadowComparatorConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with defaults; Jackson binds through it. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private int queueCapacity = 10_000;
        private int evidencePerFieldPerMinute = 3;
        private int maxEvidenceBodyBytes = 65_536;
        private double noiseRelativeThreshold = 2.0;
        private double noiseAbsoluteThreshold = 0.05;

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        public Builder evidencePerFieldPerMinute(int n) {
            this.evidencePerFieldPerMinute = n;
            return this;
        }

        public Builder maxEvidenceBodyBytes(int n) {
            this.maxEvidenceBodyBytes = n;
            return this;
        }

        public Builder noiseRelativeThreshold(double v) {
            this.noiseRelativeThreshold = v;
            return this;
        }

        public Builder noiseAbsoluteThreshold(double v) {
            this.noiseAbsoluteThreshold = v;
            return this;
        }

        public ShadowComparatorConfig build() {
            return new ShadowComparatorConfig(workers, queueCapacity, evidencePerFieldPerMinute, maxEvidenceBodyBytes,
                    noiseRelativeThreshold, noiseAbsoluteThreshold);
        }
    }
}
