package dev.whittle.eval;

/**
 * Numerically stable log-softmax of one logits row, in double:
 * {@code log p_i = (x_i − max) − log Σ exp(x_j − max)}. Subtracting the maximum keeps every exponent
 * ≤ 0, so nothing overflows and the largest term is exactly 1; subtracting it from {@code x_i} before
 * the log-sum (rather than from {@code max + log-sum}) avoids cancellation when logits are large.
 */
public final class LogSoftmax {
    private LogSoftmax() {
    }

    /** The largest of {@code row[offset .. offset+n)}; refuses rows without a finite maximum. */
    public static double max(float[] row, int offset, int n) {
        double max = Double.NEGATIVE_INFINITY;
        boolean nan = false;
        for (int i = offset; i < offset + n; i++) {
            nan |= Float.isNaN(row[i]);
            if (row[i] > max) {
                max = row[i];
            }
        }
        if (nan || Double.isInfinite(max)) {
            throw new IllegalArgumentException("logits row is not finite (max " + max + (nan ? ", contains NaN" : "") + ")");
        }
        return max;
    }

    /** {@code log Σ exp(x_j − max)}, which lies in [0, log n]. */
    public static double logSumShifted(float[] row, int offset, int n, double max) {
        double sum = 0;
        for (int i = offset; i < offset + n; i++) {
            sum += Math.exp(row[i] - max);
        }
        return Math.log(sum);
    }

    /** {@code −log p(target)} for the row {@code row[offset .. offset+n)}. */
    public static double nll(float[] row, int offset, int n, int target) {
        double max = max(row, offset, n);
        return (max - row[offset + target]) + logSumShifted(row, offset, n, max);
    }

    /** Writes the log-probabilities of {@code row[offset .. offset+n)} into {@code out[0 .. n)}. */
    public static void logProbs(float[] row, int offset, int n, double[] out) {
        double max = max(row, offset, n);
        double logSum = logSumShifted(row, offset, n, max);
        for (int i = 0; i < n; i++) {
            out[i] = (row[offset + i] - max) - logSum;
        }
    }

    /** Index of the largest logit; the first one on ties (as llama.cpp). */
    public static int argmax(float[] row, int offset, int n) {
        int best = 0;
        float max = row[offset];
        for (int i = 1; i < n; i++) {
            if (row[offset + i] > max) {
                max = row[offset + i];
                best = i;
            }
        }
        return best;
    }
}
