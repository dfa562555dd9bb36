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
 * a caller splits rows over threads. Micro-kernel: 6 rows × 4 vectors (24 accumulators; 6 broadcasts and 4 loads
 * per 24 FMAs) on packed copies of A and B (see {@code Scratch}), then 4 × 2 and single vectors for the edges. The earlier 4 × 2 alone kept only 8 FMA chains in
 * flight, too few for a core with two FMA ports and 4-cycle latency; B is walked in blocks of {@value #KB} rows × {@value #JB} columns that stay in L2 while every row
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
                int quads = m >= 6 ? (j1 - j0) / (4 * L) : 0, kb = p1 - p0;
                Scratch s = quads > 0 ? SCRATCH.get() : null;
                if (quads > 0) s.packB(b, bOff, ldb, j0, quads, p0, p1);
                for (; i + 6 <= m; i += 6) {
                    if (quads > 0) s.packA(a, aOff + i * ars, ars, acs, p0, p1);
                    for (int q = 0; q < quads; q++) {
                        kernel6x4(s.a, s.b, q * kb * 4 * L, kb, c, cOff + i * ldc + j0 + q * 4 * L, ldc, acc);
                    }
                    int j = j0 + quads * 4 * L;
                    for (int r = 0; r < 6; r++) columnTail(a, aOff + (i + r) * ars, acs, b, bOff, ldb, c, cOff + (i + r) * ldc, j, j1, p0, p1, acc);
                }
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

    /** Row r's columns [j, j1) after the wide tiles: vectors, then scalars. */
    private static void columnTail(float[] a, int ai, int acs, float[] b, int bOff, int ldb, float[] c, int ci, int j,
            int j1, int p0, int p1, boolean acc) {
        for (; j + L <= j1; j += L) kernel1x1(a, ai, acs, b, bOff, ldb, c, ci + j, j, p0, p1, acc);
        for (; j < j1; j++) scalar(a, ai, acs, b, bOff, ldb, c, ci + j, j, p0, p1, acc);
    }

    /**
     * Per-thread packing buffers for the 6 × 4 tiles: a k block of B's four-vector column groups, each group's
     * rows contiguous, and a k block of six rows of A interleaved (element p of row r at {@code 6p + r}).
     * Packed, every load in the tile loop is a fixed base plus p times a constant, the form C2's range-check
     * elimination needs; with A's and B's own strides ({@code p * acs}, {@code p * ldb}) ten bounds checks per
     * step stayed in the loop and its index arithmetic spilled to the stack.
     */
    private static final class Scratch {
        float[] a = new float[6 * KB];
        float[] b = new float[KB * JB];

        /** B rows p0 .. p1 of column groups j0 + q·4L, q < quads, group by group. */
        void packB(float[] src, int bOff, int ldb, int j0, int quads, int p0, int p1) {
            int kb = p1 - p0, w = 4 * L;
            for (int q = 0; q < quads; q++) {
                for (int p = p0; p < p1; p++) {
                    int from = bOff + p * ldb + j0 + q * w, to = (q * kb + p - p0) * w;
                    for (int v = 0; v < w; v += L) FloatVector.fromArray(S, src, from + v).intoArray(b, to + v);
                }
            }
        }

        /** A's six rows from {@code ai}, columns p0 .. p1, interleaved. */
        void packA(float[] src, int ai, int ars, int acs, int p0, int p1) {
            for (int p = p0; p < p1; p++) {
                int from = ai + p * acs, to = 6 * (p - p0);
                for (int r = 0; r < 6; r++) a[to + r] = src[from + r * ars];
            }
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Six packed rows × four packed vectors: 24 accumulators, 6 broadcasts and 4 loads per 24 FMAs. */
    private static void kernel6x4(float[] a, float[] b, int bo, int kb, float[] c, int ci, int ldc, boolean acc) {
        int c1 = ci + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z;
        FloatVector s20 = z, s21 = z, s22 = z, s23 = z, s30 = z, s31 = z, s32 = z, s33 = z;
        FloatVector s40 = z, s41 = z, s42 = z, s43 = z, s50 = z, s51 = z, s52 = z, s53 = z;
        if (acc) {
            s00 = FloatVector.fromArray(S, c, ci); s01 = FloatVector.fromArray(S, c, ci + L);
            s02 = FloatVector.fromArray(S, c, ci + 2 * L); s03 = FloatVector.fromArray(S, c, ci + 3 * L);
            s10 = FloatVector.fromArray(S, c, c1); s11 = FloatVector.fromArray(S, c, c1 + L);
            s12 = FloatVector.fromArray(S, c, c1 + 2 * L); s13 = FloatVector.fromArray(S, c, c1 + 3 * L);
            s20 = FloatVector.fromArray(S, c, c2); s21 = FloatVector.fromArray(S, c, c2 + L);
            s22 = FloatVector.fromArray(S, c, c2 + 2 * L); s23 = FloatVector.fromArray(S, c, c2 + 3 * L);
            s30 = FloatVector.fromArray(S, c, c3); s31 = FloatVector.fromArray(S, c, c3 + L);
            s32 = FloatVector.fromArray(S, c, c3 + 2 * L); s33 = FloatVector.fromArray(S, c, c3 + 3 * L);
            s40 = FloatVector.fromArray(S, c, c4); s41 = FloatVector.fromArray(S, c, c4 + L);
            s42 = FloatVector.fromArray(S, c, c4 + 2 * L); s43 = FloatVector.fromArray(S, c, c4 + 3 * L);
            s50 = FloatVector.fromArray(S, c, c5); s51 = FloatVector.fromArray(S, c, c5 + L);
            s52 = FloatVector.fromArray(S, c, c5 + 2 * L); s53 = FloatVector.fromArray(S, c, c5 + 3 * L);
        }
        for (int p = 0; p < kb; p++) {
            int bp = bo + p * 4 * L, ap = 6 * p;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L), b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            s00 = x.fma(b0, s00); s01 = x.fma(b1, s01); s02 = x.fma(b2, s02); s03 = x.fma(b3, s03);
            x = FloatVector.broadcast(S, a[ap + 1]);
            s10 = x.fma(b0, s10); s11 = x.fma(b1, s11); s12 = x.fma(b2, s12); s13 = x.fma(b3, s13);
            x = FloatVector.broadcast(S, a[ap + 2]);
            s20 = x.fma(b0, s20); s21 = x.fma(b1, s21); s22 = x.fma(b2, s22); s23 = x.fma(b3, s23);
            x = FloatVector.broadcast(S, a[ap + 3]);
            s30 = x.fma(b0, s30); s31 = x.fma(b1, s31); s32 = x.fma(b2, s32); s33 = x.fma(b3, s33);
            x = FloatVector.broadcast(S, a[ap + 4]);
            s40 = x.fma(b0, s40); s41 = x.fma(b1, s41); s42 = x.fma(b2, s42); s43 = x.fma(b3, s43);
            x = FloatVector.broadcast(S, a[ap + 5]);
            s50 = x.fma(b0, s50); s51 = x.fma(b1, s51); s52 = x.fma(b2, s52); s53 = x.fma(b3, s53);
        }
        s00.intoArray(c, ci); s01.intoArray(c, ci + L); s02.intoArray(c, ci + 2 * L); s03.intoArray(c, ci + 3 * L);
        s10.intoArray(c, c1); s11.intoArray(c, c1 + L); s12.intoArray(c, c1 + 2 * L); s13.intoArray(c, c1 + 3 * L);
        s20.intoArray(c, c2); s21.intoArray(c, c2 + L); s22.intoArray(c, c2 + 2 * L); s23.intoArray(c, c2 + 3 * L);
        s30.intoArray(c, c3); s31.intoArray(c, c3 + L); s32.intoArray(c, c3 + 2 * L); s33.intoArray(c, c3 + 3 * L);
        s40.intoArray(c, c4); s41.intoArray(c, c4 + L); s42.intoArray(c, c4 + 2 * L); s43.intoArray(c, c4 + 3 * L);
        s50.intoArray(c, c5); s51.intoArray(c, c5 + L); s52.intoArray(c, c5 + 2 * L); s53.intoArray(c, c5 + 3 * L);
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
