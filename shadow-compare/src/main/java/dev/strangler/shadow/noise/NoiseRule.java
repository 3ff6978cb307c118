package dev.strangler.shadow.noise;

/**
 * Decides whether a field's primary-vs-shadow differences are explained by noise, Diffy
 * style: the primary answering the same request twice differently at rate {@code n} means
 * primary-vs-shadow differences at a rate up to {@code n × relative + absolute} are noise;
 * above that the field is a real difference. A field never seen differing between two
 * primary answers is never noise.
 *
 * @param relativeThreshold multiplier on the noise rate (>= 1)
 * @param absoluteThreshold slack added to the scaled noise rate (0..1)
 */
public record NoiseRule(double relativeThreshold, double absoluteThreshold) {

    public NoiseRule {
        if (!(relativeThreshold >= 1)) {
            throw new IllegalArgumentException("relativeThreshold: " + relativeThreshold + " (expected: >= 1)");
        }
        if (!(absoluteThreshold >= 0 && absoluteThreshold <= 1)) {
            throw new IllegalArgumentException("absoluteThreshold: " + absoluteThreshold + " (expected: 0..1)");
        }
    }

    /**
     * @param noiseDiffs   times the field differed between two primary answers
     * @param primaryPairs primary-vs-primary comparisons made
     * @param shadowDiffs  times the field differed primary-vs-shadow
     * @param comparisons  primary-vs-shadow comparisons made
     */
    public boolean isNoise(long noiseDiffs, long primaryPairs, long shadowDiffs, long comparisons) {
        if (noiseDiffs == 0 || primaryPairs == 0) {
            return false;
        }
        double noiseRate = rate(noiseDiffs, primaryPairs);
        double shadowRate = rate(shadowDiffs, comparisons);
        return shadowRate <= noiseRate * relativeThreshold + absoluteThreshold;
    }

    /** {@code count / total}, 0 when nothing was counted. */
    public static double rate(long count, long total) {
        return total == 0 ? 0 : Math.min(1.0, (double) count / total);
    }
}
