package dev.whittle.quantize;

import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Dense Cholesky factorisations in double (row-major n × n), in place where possible: GPTQ's Hessians of wide layers
 * (an 11008-wide FFN input is a 970 MB matrix) must not be copied more than needed.
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
     * positive definite. Column j reads only L's columns before j and A's column j, which is overwritten last.
     */
    static boolean lowerInPlace(double[] a, int n) {
        for (int j = 0; j < n; j++) {
            int rj = j * n;
            double s = a[rj + j];
            for (int k = 0; k < j; k++) s -= a[rj + k] * a[rj + k];
            if (!(s > 0) || !Double.isFinite(s)) return false;
            double d = Math.sqrt(s);
            a[rj + j] = d;
            final int jj = j;
            IntStream.range(j + 1, n).parallel().forEach(i -> {
                int ri = i * n;
                double v = a[ri + jj];
                for (int k = 0; k < jj; k++) v -= a[ri + k] * a[rj + k];
                a[ri + jj] = v / d;
            });
        }
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) a[i * n + j] = 0;
        return true;
    }

    /**
     * GPTQ's {@code Hinv}: the upper Cholesky factor U of A⁻¹ (A⁻¹ = Uᵀ U), from A = L Lᵀ. Computed as
     * A⁻¹ = L⁻ᵀ L⁻¹, then U = chol(A⁻¹)ᵀ; empty if either factorisation fails. A is consumed (overwritten).
     */
    static Optional<double[]> upperOfInverseInPlace(double[] a, int n) {
        if (!lowerInPlace(a, n)) return Optional.empty();
        // L⁻¹ in place, row by row from the top: M[i][j] = -(Σ_{k=j}^{i-1} L[i][k] M[k][j]) / L[i][i] needs rows
        // above (already M) and row i of L, so the row is computed into a buffer before it is overwritten.
        double[] row = new double[n];
        for (int i = 0; i < n; i++) {
            final int ii = i;
            int ri = i * n;
            double inv = 1.0 / a[ri + i];
            IntStream.range(0, i).parallel().forEach(j -> {
                double s = 0;
                for (int k = j; k < ii; k++) s += a[ri + k] * a[k * n + j];
                row[j] = -s * inv;
            });
            System.arraycopy(row, 0, a, ri, i);
            a[ri + i] = inv;
        }
        double[] inv = new double[n * n];
        IntStream.range(0, n).parallel().forEach(i -> {
            for (int j = i; j < n; j++) {
                double s = 0;
                for (int k = j; k < n; k++) s += a[k * n + i] * a[k * n + j];
                inv[i * n + j] = s;
                inv[j * n + i] = s;
            }
        });
        if (!lowerInPlace(inv, n)) return Optional.empty();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                inv[j * n + i] = inv[i * n + j];
                inv[i * n + j] = 0;
            }
        }
        return Optional.of(inv);
    }

    static Optional<double[]> upperOfInverse(double[] a, int n) {
        return upperOfInverseInPlace(a.clone(), n);
    }
}
