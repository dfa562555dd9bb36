package dev.whittle.eval;

import java.util.Arrays;

/**
 * Exact percentiles of a sample by sorting, with linear interpolation between order statistics at rank
 * {@code q·(n−1)} (Hyndman–Fan type 7, the definition numpy, R and llama.cpp's KLD statistics use).
 */
public final class Percentiles {
    private final double[] sorted;

    public Percentiles(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        sorted = values.clone();
        Arrays.sort(sorted);
    }

    /** The {@code q}-quantile, {@code q} in [0, 1]. */
    public double quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
        }
        double rank = q * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = rank - lo;
        return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
    }

    public double median() {
        return quantile(0.5);
    }

    public double min() {
        return sorted[0];
    }

    public double max() {
        return sorted[sorted.length - 1];
    }

    public int size() {
        return sorted.length;
    }
}
