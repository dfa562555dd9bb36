package dev.whittle.quantize;

import java.util.Optional;

/** Dense Cholesky factorisations in double (row-major n × n). */
final class Cholesky {
    private Cholesky() {}

    /** Lower L with A = L Lᵀ, or empty if A is not (numerically) positive definite. */
    static Optional<double[]> lower(double[] a, int n) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double s = a[j * n + j];
            for (int k = 0; k < j; k++) s -= l[j * n + k] * l[j * n + k];
            if (!(s > 0) || !Double.isFinite(s)) return Optional.empty();
            double d = Math.sqrt(s);
            l[j * n + j] = d;
            for (int i = j + 1; i < n; i++) {
                double v = a[i * n + j];
                int ri = i * n;
                int rj = j * n;
                for (int k = 0; k < j; k++) v -= l[ri + k] * l[rj + k];
                l[ri + j] = v / d;
            }
        }
        return Optional.of(l);
    }

    /**
     * GPTQ's {@code Hinv}: the upper Cholesky factor U of A⁻¹ (A⁻¹ = Uᵀ U), from A = L Lᵀ. Computed as
     * A⁻¹ = L⁻ᵀ L⁻¹, then U = chol(A⁻¹)ᵀ; empty if either factorisation fails.
     */
    static Optional<double[]> upperOfInverse(double[] a, int n) {
        Optional<double[]> lo = lower(a, n);
        if (lo.isEmpty()) return Optional.empty();
        double[] l = lo.get();
        // M = L⁻¹ (lower), by forward substitution column by column.
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            m[i * n + i] = 1.0 / l[i * n + i];
            for (int j = 0; j < i; j++) {
                double s = 0;
                for (int k = j; k < i; k++) s += l[i * n + k] * m[k * n + j];
                m[i * n + j] = -s / l[i * n + i];
            }
        }
        // A⁻¹ = Mᵀ M
        double[] inv = new double[n * n];
        java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
            for (int j = i; j < n; j++) {
                double s = 0;
                for (int k = Math.max(i, j); k < n; k++) s += m[k * n + i] * m[k * n + j];
                inv[i * n + j] = s;
                inv[j * n + i] = s;
            }
        });
        Optional<double[]> l2 = lower(inv, n);
        if (l2.isEmpty()) return Optional.empty();
        double[] u = new double[n * n];
        double[] b = l2.get();
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) u[j * n + i] = b[i * n + j];
        return Optional.of(u);
    }
}
