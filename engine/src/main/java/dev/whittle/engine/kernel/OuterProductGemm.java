package dev.whittle.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 GEMM in outer-product form: {@code C[i, j] (+)= Σ_p A(i, p) · B[p, j]}, B row-major with j contiguous, A read
 * one element at a time through strides ({@code A(i, p) = a[aOff + i·ars + p·acs]}), so A may be stored either
 * way round. Each step broadcasts an A element and multiply-adds it into a vector of C's columns: no horizontal
 * sums, unlike dot-product tiles, whose sixteen lane reductions per tile cost as much as the
 * products when k is short (a Hessian chunk of 1024 tokens). X^T X is this product with A = B = X.
 *
 * <p>Contract: every element of C is one sequential fused multiply-add chain over p in ascending order (lanes and
 * the scalar tails use the same single-rounding fma), so the result does not depend on blocking, tile shape or how
 * a caller splits rows over threads. Micro-kernel: 4 rows × 2 vectors (8 accumulators; 4 broadcasts and 2 loads
 * per 8 FMAs); B is walked in blocks of {@value #KB} rows × {@value #JB} columns that stay in L2 while every row
 * of A passes over them.
 */
public final class OuterProductGemm {
    private static final VectorSpecies<Float> S = KernelSpecies.F;
    private static final int L = S.length();
    /** Rows of B (the k extent) per block. */
    private static final int KB = 256;
    /** Columns of B per block: 256 × 512 floats = 512 KB. */
    private static final int JB = 512;

    private OuterProductGemm() {
    }

    /** Single-threaded; see the class comment. C element (i, j) is {@code c[cOff + i*ldc + j]}. */
    public static void multiply(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb, float[] c,
            int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        for (int j0 = 0; j0 < n; j0 += JB) {
            int j1 = Math.min(n, j0 + JB);
            for (int p0 = 0; p0 < k; p0 += KB) {
                int p1 = Math.min(k, p0 + KB);
                boolean acc = accumulate || p0 > 0;
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    int j = j0;
                    for (; j + 2 * L <= j1; j += 2 * L) {
                        kernel4x2(a, aOff + i * ars, ars, acs, b, bOff, ldb, c, cOff + i * ldc + j, ldc, j, p0, p1, acc);
                    }
                    for (; j < j1; j++) {
                        for (int r = 0; r < 4; r++) scalar(a, aOff + (i + r) * ars, acs, b, bOff, ldb, c, cOff + (i + r) * ldc + j, j, p0, p1, acc);
                    }
                }
                for (; i < m; i++) {
                    int j = j0;
                    for (; j + L <= j1; j += L) kernel1x1(a, aOff + i * ars, acs, b, bOff, ldb, c, cOff + i * ldc + j, j, p0, p1, acc);
                    for (; j < j1; j++) scalar(a, aOff + i * ars, acs, b, bOff, ldb, c, cOff + i * ldc + j, j, p0, p1, acc);
                }
            }
        }
    }

    private static void kernel4x2(float[] a, int ai, int ars, int acs, float[] b, int bOff, int ldb, float[] c, int ci,
            int ldc, int j, int p0, int p1, boolean acc) {
        int c1 = ci + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = acc ? FloatVector.fromArray(S, c, ci) : z, s01 = acc ? FloatVector.fromArray(S, c, ci + L) : z;
        FloatVector s10 = acc ? FloatVector.fromArray(S, c, c1) : z, s11 = acc ? FloatVector.fromArray(S, c, c1 + L) : z;
        FloatVector s20 = acc ? FloatVector.fromArray(S, c, c2) : z, s21 = acc ? FloatVector.fromArray(S, c, c2 + L) : z;
        FloatVector s30 = acc ? FloatVector.fromArray(S, c, c3) : z, s31 = acc ? FloatVector.fromArray(S, c, c3 + L) : z;
        for (int p = p0; p < p1; p++) {
            int bo = bOff + p * ldb + j;
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
            int ao = ai + p * acs;
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, a[ao + ars]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, a[ao + 2 * ars]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, a[ao + 3 * ars]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
        }
        s00.intoArray(c, ci);
        s01.intoArray(c, ci + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
    }

    private static void kernel1x1(float[] a, int ai, int acs, float[] b, int bOff, int ldb, float[] c, int ci, int j,
            int p0, int p1, boolean acc) {
        FloatVector s = acc ? FloatVector.fromArray(S, c, ci) : FloatVector.zero(S);
        for (int p = p0; p < p1; p++) {
            s = FloatVector.broadcast(S, a[ai + p * acs]).fma(FloatVector.fromArray(S, b, bOff + p * ldb + j), s);
        }
        s.intoArray(c, ci);
    }

    private static void scalar(float[] a, int ai, int acs, float[] b, int bOff, int ldb, float[] c, int ci, int j,
            int p0, int p1, boolean acc) {
        float s = acc ? c[ci] : 0f;
        for (int p = p0; p < p1; p++) s = Math.fma(a[ai + p * acs], b[bOff + p * ldb + j], s);
        c[ci] = s;
    }
}
