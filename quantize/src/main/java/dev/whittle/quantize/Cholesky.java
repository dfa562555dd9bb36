package dev.whittle.quantize;

import dev.whittle.engine.kernel.OuterProductGemm;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Dense Cholesky factorisation and triangular inverse in float32 (row-major n × n), blocked so that nearly all the
 * work is the engine's outer-product GEMM: GPTQ factors a 5632-wide Hessian per MLP, and the unblocked
 * column-by-column version spent a minute per layer streaming rows from memory. Float32 is the reference's own
 * precision (IST-DASLab/gptq factors a float32 Hessian with torch.linalg.cholesky); damping covers the rest.
 * Sums run in a fixed order whatever the thread split, so results do not depend on the thread count.
 */
final class Cholesky {
    /** Columns per panel: the trailing update is a GEMM with k = NB. */
    private static final int NB = 128;
    /** Rows and columns per tile of the trailing update and of the inverse's products. */
    private static final int TILE = 256;

    private Cholesky() {}

    /** Lower L with A = L Lᵀ, or empty if A is not (numerically) positive definite. A is not modified. */
    static Optional<float[]> lower(float[] a, int n) {
        float[] l = a.clone();
        return lowerInPlace(l, n) ? Optional.of(l) : Optional.empty();
    }

    /**
     * Overwrites A's lower triangle with L (A = L Lᵀ) and zeroes the upper; false (A then garbage) if A is not
     * positive definite. Right-looking by panels of NB columns: factor the diagonal block, solve the rows below it
     * against that block, then subtract the panel's outer product from the trailing lower triangle, tile by tile.
     */
    static boolean lowerInPlace(float[] a, int n) {
        for (int k0 = 0; k0 < n; k0 += NB) {
            int k1 = Math.min(n, k0 + NB);
            for (int j = k0; j < k1; j++) {
                int rj = j * n;
                double s = a[rj + j] - VectorDot.dot(a, rj + k0, a, rj + k0, j - k0);
                if (!(s > 0) || !Double.isFinite(s)) return false;
                float d = (float) Math.sqrt(s);
                a[rj + j] = d;
                for (int i = j + 1; i < k1; i++) {
                    int ri = i * n;
                    a[ri + j] = (a[ri + j] - VectorDot.dot(a, ri + k0, a, rj + k0, j - k0)) / d;
                }
            }
            if (k1 == n) break;
            final int p0 = k0, p1 = k1;
            IntStream.range(k1, n).parallel().forEach(i -> {
                int ri = i * n;
                for (int j = p0; j < p1; j++) {
                    int rj = j * n;
                    a[ri + j] = (a[ri + j] - VectorDot.dot(a, ri + p0, a, rj + p0, j - p0)) / a[rj + j];
                }
            });
            int w = k1 - k0;
            int m = n - k1;
            // the panel transposed (w × m), and negated for the left operand: A22 += (−P) Pᵀ
            float[] pt = new float[w * m];
            float[] neg = new float[w * m];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < w; p++) {
                    float v = a[(k1 + i) * n + k0 + p];
                    pt[p * m + i] = v;
                    neg[p * m + i] = -v;
                }
            }
            int tiles = (m + TILE - 1) / TILE;
            IntStream.range(0, tiles * (tiles + 1) / 2).parallel().forEach(pair -> {
                int bi = (int) ((Math.sqrt(8.0 * pair + 1) - 1) / 2); // pair = bi(bi+1)/2 + bj, bj ≤ bi
                while (bi * (bi + 1) / 2 > pair) bi--;
                while ((bi + 1) * (bi + 2) / 2 <= pair) bi++;
                int bj = pair - bi * (bi + 1) / 2;
                int i0 = bi * TILE, j0 = bj * TILE;
                int ri = Math.min(TILE, m - i0), rj = Math.min(TILE, m - j0);
                OuterProductGemm.multiply(neg, i0, 1, m, pt, j0, m, a, (p1 + i0) * n + p1 + j0, n, ri, rj, w, true);
            });
        }
        for (int i = 0; i < n; i++) Arrays.fill(a, i * n + i + 1, (i + 1) * n, 0f);
        return true;
    }

    /**
     * GPTQ's {@code Hinv}: the upper Cholesky factor U of A⁻¹ (A⁻¹ = Uᵀ U); empty if A is not positive definite.
     * A is consumed (overwritten). With J the reversal permutation, factor J A J = L̃ L̃ᵀ; then A = R Rᵀ with
     * R = J L̃ J upper triangular, so A⁻¹ = (R⁻¹)ᵀ R⁻¹ and, by uniqueness of the factor, U = R⁻¹ = J L̃⁻¹ J. One
     * factorisation and one triangular inverse: less than half the work of inverting and factoring again.
     */
    static Optional<float[]> upperOfInverseInPlace(float[] a, int n) {
        reverseInPlace(a, n);
        if (!lowerInPlace(a, n)) return Optional.empty();
        float[] m = lowerInverse(a, n);
        reverseInPlace(m, n);
        return Optional.of(m);
    }

    static Optional<float[]> upperOfInverse(float[] a, int n) {
        return upperOfInverseInPlace(a.clone(), n);
    }

    /**
     * M = L⁻¹ for lower-triangular L, by block rows of NB: with T = L[I, :b0] · M[:b0, :b0] (a GEMM), row i of the
     * block is
     * M[i, j] = −(T[i, j] + Σ_{b0 ≤ k < i} L[i, k] M[k, j]) / L[i, i], M[i, i] = 1 / L[i, i]. Columns are independent,
     * so the block's rows are finished in parallel over column ranges.
     */
    static float[] lowerInverse(float[] l, int n) {
        float[] m = new float[n * n];
        for (int b0 = 0; b0 < n; b0 += NB) {
            final int r0 = b0;
            final int r1 = Math.min(n, b0 + NB);
            final int w = r1 - r0;
            final float[] t = new float[w * Math.max(1, b0)];
            if (b0 > 0) {
                // M[p, j] = 0 for p < j, so column range [c0, c1) needs only p ≥ c0
                int chunks = (b0 + TILE - 1) / TILE;
                IntStream.range(0, chunks).parallel().forEach(c -> {
                    int c0 = c * TILE, cw = Math.min(TILE, r0 - c0);
                    OuterProductGemm.multiply(l, r0 * n + c0, n, 1, m, c0 * n + c0, n, t, c0, r0, w, cw, r0 - c0, false);
                });
            }
            int chunks = (r1 + TILE - 1) / TILE;
            IntStream.range(0, chunks).parallel().forEach(c -> {
                int c0 = c * TILE, c1 = Math.min(r1, c0 + TILE);
                for (int i = r0; i < r1; i++) {
                    int ri = i * n;
                    float inv = 1f / l[ri + i];
                    int end = Math.min(c1, i);
                    for (int j = c0; j < end; j++) m[ri + j] = j < r0 ? t[(i - r0) * r0 + j] : 0f;
                    for (int k = r0; k < i; k++) {
                        float lik = l[ri + k];
                        if (lik == 0) continue;
                        int rk = k * n;
                        for (int j = c0; j < Math.min(end, k + 1); j++) m[ri + j] += lik * m[rk + j];
                    }
                    for (int j = c0; j < end; j++) m[ri + j] *= -inv;
                    if (i >= c0 && i < c1) m[ri + i] = inv;
                }
            });
        }
        return m;
    }

    /** A ← J A J (element (i, j) to (n−1−i, n−1−j)): a reversal of the flat array. */
    private static void reverseInPlace(float[] a, int n) {
        for (int lo = 0, hi = n * n - 1; lo < hi; lo++, hi--) {
            float t = a[lo];
            a[lo] = a[hi];
            a[hi] = t;
        }
    }
}
