package dev.whittle.quantize;

import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Dense Cholesky factorisations in double (row-major n × n), in place where possible: GPTQ's Hessians of wide layers
 * (an 11008-wide FFN input is a 970 MB matrix) must not be copied more than needed.
 * <p>Every loop reads rows, never columns (a column walk of a 5632-wide matrix misses cache on every element), and
 * every sum runs in a fixed order whatever the thread split, so results do not depend on the thread count.
 */
final class Cholesky {
    private Cholesky() {}

    /** Lower L with A = L Lᵀ, or empty if A is not (numerically) positive definite. A is not modified. */
    static Optional<double[]> lower(double[] a, int n) {
        double[] l = a.clone();
        return lowerInPlace(l, n) ? Optional.of(l) : Optional.empty();
    }

    /**
     * Overwrites A's lower triangle with L (A = L Lᵀ) and zeroes the upper; false (A then garbage) if A is not
     * positive definite. Column by column: column j needs, for each row i ≥ j, the dot product of the first j
     * entries of rows i and j, which are both contiguous; the rows below j are split over threads.
     */
    static boolean lowerInPlace(double[] a, int n) {
        for (int j = 0; j < n; j++) {
            int rj = j * n;
            double s = a[rj + j] - dot(a, rj, a, rj, j);
            if (!(s > 0) || !Double.isFinite(s)) return false;
            double d = Math.sqrt(s);
            a[rj + j] = d;
            final int jj = j;
            forRows(j + 1, n, (long) j * (n - j), i -> {
                int ri = i * n;
                a[ri + jj] = (a[ri + jj] - dot(a, ri, a, rj, jj)) / d;
            });
        }
        for (int i = 0; i < n; i++) java.util.Arrays.fill(a, i * n + i + 1, (i + 1) * n, 0);
        return true;
    }

    /**
     * GPTQ's {@code Hinv}: the upper Cholesky factor U of A⁻¹ (A⁻¹ = Uᵀ U); empty if A is not positive definite.
     * A is consumed (overwritten). With J the reversal permutation, factor J A J = L̃ L̃ᵀ; then A = R Rᵀ with
     * R = J L̃ J upper triangular, so A⁻¹ = (R⁻¹)ᵀ R⁻¹ and, by uniqueness of the factor, U = R⁻¹ = J L̃⁻¹ J. One
     * factorisation and one triangular inverse: less than half the work of inverting and factoring again.
     */
    static Optional<double[]> upperOfInverseInPlace(double[] a, int n) {
        reverseInPlace(a, n);
        if (!lowerInPlace(a, n)) return Optional.empty();
        double[] m = lowerInverse(a, n);
        reverseInPlace(m, n);
        return Optional.of(m);
    }

    static Optional<double[]> upperOfInverse(double[] a, int n) {
        return upperOfInverseInPlace(a.clone(), n);
    }

    /** Columns of M per parallel piece in {@link #lowerInverse}. */
    private static final int COLUMN_CHUNK = 256;
    /** Rows of M computed together, so each earlier row is read once per block rather than once per row. */
    private static final int ROW_BLOCK = 16;

    /**
     * M = L⁻¹ for lower-triangular L: row i of M is −(Σ_{k<i} L[i][k] · row k of M) / L[i][i], plus 1 / L[i][i]
     * on the diagonal, each term a contiguous axpy over row k (zero beyond column k). Rows go in blocks of
     * {@link #ROW_BLOCK}: the terms from rows before the block are added to all its rows in one pass over those
     * rows (split by columns over threads), then the block's own rows are finished in order. Each element sums
     * its terms with k ascending either way, so the result does not depend on the split.
     */
    private static double[] lowerInverse(double[] l, int n) {
        double[] m = new double[n * n];
        for (int i0 = 0; i0 < n; i0 += ROW_BLOCK) {
            final int b0 = i0;
            final int b1 = Math.min(n, i0 + ROW_BLOCK);
            int pieces = (b0 + COLUMN_CHUNK - 1) / COLUMN_CHUNK;
            java.util.function.IntConsumer piece = c -> {
                int j0 = c * COLUMN_CHUNK;
                int j1 = Math.min(b0, j0 + COLUMN_CHUNK);
                for (int k = j0; k < b0; k++) {
                    int rk = k * n;
                    int end = Math.min(j1, k + 1);
                    for (int i = b0; i < b1; i++) {
                        double lik = l[i * n + k];
                        if (lik == 0) continue;
                        int ri = i * n;
                        for (int j = j0; j < end; j++) m[ri + j] += lik * m[rk + j];
                    }
                }
            };
            if ((long) b0 * b0 * (b1 - b0) < 2_000_000) {
                for (int c = 0; c < pieces; c++) piece.accept(c);
            } else {
                IntStream.range(0, pieces).parallel().forEach(piece);
            }
            for (int i = b0; i < b1; i++) {
                int ri = i * n;
                for (int k = b0; k < i; k++) {
                    double lik = l[ri + k];
                    if (lik == 0) continue;
                    int rk = k * n;
                    for (int j = 0; j <= k; j++) m[ri + j] += lik * m[rk + j];
                }
                double inv = 1.0 / l[ri + i];
                for (int j = 0; j < i; j++) m[ri + j] *= -inv;
                m[ri + i] = inv;
            }
        }
        return m;
    }

    /** A ← J A J (element (i, j) to (n−1−i, n−1−j)): a reversal of the flat array. */
    private static void reverseInPlace(double[] a, int n) {
        for (int lo = 0, hi = n * n - 1; lo < hi; lo++, hi--) {
            double t = a[lo];
            a[lo] = a[hi];
            a[hi] = t;
        }
    }

    /** Σ_{k<len} a[ao+k]·b[bo+k] with four interleaved partial sums, combined in a fixed order. */
    private static double dot(double[] a, int ao, double[] b, int bo, int len) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 4 <= len; k += 4) {
            s0 += a[ao + k] * b[bo + k];
            s1 += a[ao + k + 1] * b[bo + k + 1];
            s2 += a[ao + k + 2] * b[bo + k + 2];
            s3 += a[ao + k + 3] * b[bo + k + 3];
        }
        for (; k < len; k++) s0 += a[ao + k] * b[bo + k];
        return (s0 + s1) + (s2 + s3);
    }

    /** Runs body over [from, to) on all cores when the work (multiply-adds) is worth it, else on the caller. */
    private static void forRows(int from, int to, long work, java.util.function.IntConsumer body) {
        if (work < 200_000) {
            for (int i = from; i < to; i++) body.accept(i);
        } else {
            IntStream.range(from, to).parallel().forEach(body);
        }
    }
}
