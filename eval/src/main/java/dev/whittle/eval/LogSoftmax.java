package dev.whittle.eval;

/**
 * Numerically stable log-softmax of one logits row, in double: {@code log p_i = x_i - max - log Σ exp(x_j - max)}.
 * Subtracting the maximum keeps every exponent ≤ 0, so nothing overflows and the largest term is exactly 1.
 */
public final class LogSoftmax {
    private LogSoftmax() {
    }

    /** {@code max + log Σ exp(x_j - max)} over {@code row[offset .. offset+n)}. */
    public static double logSumExp(float[] row, int offset, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = offset; i < offset + n; i++) {
            if (row[i] > max) {
                max = row[i];
            }
        }
        if (Double.isInfinite(max) || Double.isNaN(max)) {
            throw new IllegalArgumentException("logits row has no finite maximum (" + max + ")");
        }
        double sum = 0;
        for (int i = offset; i < offset + n; i++) {
            sum += Math.exp(row[i] - max);
        }
        return max + Math.log(sum);
    }

    /** Writes the log-probabilities of {@code row[offset .. offset+n)} into {@code out[0 .. n)}. */
    public static void logProbs(float[] row, int offset, int n, double[] out) {
        double lse = logSumExp(row, offset, n);
        for (int i = 0; i < n; i++) {
            out[i] = row[offset + i] - lse;
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
