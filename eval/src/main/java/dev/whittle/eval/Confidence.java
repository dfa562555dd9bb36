package dev.whittle.eval;

import org.apache.commons.math3.distribution.NormalDistribution;

/** Normal-approximation confidence intervals. */
public final class Confidence {
    /** Two-sided 95 % quantile of the standard normal, ≈ 1.959964. */
    public static final double Z95 = new NormalDistribution().inverseCumulativeProbability(0.975);

    private Confidence() {
    }

    /** {@code [mean − z·se, mean + z·se]}. */
    public static double[] interval95(double mean, double stderr) {
        return new double[] {mean - Z95 * stderr, mean + Z95 * stderr};
    }

    /** The 95 % interval of {@code exp(x)} from one of {@code x}: {@code [exp(mean − z·se), exp(mean + z·se)]}. */
    public static double[] expInterval95(double mean, double stderr) {
        return new double[] {Math.exp(mean - Z95 * stderr), Math.exp(mean + Z95 * stderr)};
    }
}
