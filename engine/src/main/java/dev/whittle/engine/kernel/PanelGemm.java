package dev.whittle.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The prefill GEMM on decoded weight panels: {@code C[r, t] = Σ_p W[r, p] · X[t, p]} for a panel of weight rows
 * (row-major floats, as {@link FloatRowKernel#decodeRow} writes them) and every token of a prompt.
 *
 * <p>Form: each step broadcasts one weight and multiply-adds it into vectors of consecutive tokens, so the
 * activations are read transposed ({@link Transposed}: X^T, tokens contiguous, built once per matmul and shared
 * by all threads) while the weights stay in the row layout the decoders produce. Transposing the weights
 * instead (vectors along rows) ran the micro-kernel a little faster (about 140 against 110 GFLOP/s, one core of
 * this 2-FMA-port Xeon) but the scalar transpose of every decoded panel cost as much as the products.
 * Micro-kernel: {@value #ROWS} rows × {@value #VECS} token vectors, 24 accumulators, per step 4 vector loads and 6
 * broadcasts for 24 FMAs. k is walked in blocks of {@value #KB} so that the X^T tile (KB × 4L floats, 32 KiB at
 * 512-bit lanes) stays in L1 while every row group of the panel passes over it; accumulators go to C between
 * blocks. Measured at m = 128 tokens, 2048 × 2016, one thread: 110 GFLOP/s in the micro-kernel and 86 GFLOP/s
 * overall with transposes and panel copies, against 35-50 for the 4 × 4 dot-product tiles it replaced (whose
 * sixteen horizontal sums per tile, and 8 loads per 16 FMAs, kept them at a third of the FMA peak).
 *
 * <p>Contract: every output is one fused multiply-add chain over p in ascending order, so it does not depend on
 * panel size, blocking, token padding or how threads split the rows.
 */
final class PanelGemm {
    private static final VectorSpecies<Float> S = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    /** Weight rows per micro-kernel. */
    static final int ROWS = 6;
    /** Token vectors per micro-kernel. */
    private static final int VECS = 4;
    /** k extent per block. */
    private static final int KB = 128;
    /** Decoded weight rows per panel (a multiple of {@link #ROWS}): 48 × 5632 floats = 1 MiB, within L2. */
    static final int PANEL_ROWS = 48;

    private PanelGemm() {
    }

    /**
     * X^T: token t's element p at {@code xt[p * stride + t]}, with the token count rounded up to whole vectors
     * ({@code stride}); the padding tokens are zero and their outputs are never read.
     */
    record Transposed(float[] xt, int n, int stride) {}

    /** Transposes n rows of {@code cols} activations, in 16 × 64 tiles so both sides stay in cache. */
    static Transposed transpose(float[] x, int n, int cols) {
        int stride = (n + L - 1) / L * L;
        float[] xt = new float[cols * stride];
        for (int t0 = 0; t0 < n; t0 += 16) {
            int t1 = Math.min(n, t0 + 16);
            for (int p0 = 0; p0 < cols; p0 += 64) {
                int p1 = Math.min(cols, p0 + 64);
                for (int t = t0; t < t1; t++) {
                    int src = t * cols;
                    for (int p = p0; p < p1; p++) xt[p * stride + t] = x[src + p];
                }
            }
        }
        return new Transposed(xt, n, stride);
    }

    /**
     * {@code ct[r * x.stride() + t] = Σ_p panel[r * cols + p] · X[t, p]} for r < rows and every token. The panel
     * must hold {@code rows} rounded up to a multiple of {@link #ROWS} rows; rows past {@code rows} may hold
     * anything (their outputs are computed and ignored). {@code ct} needs that many rows of {@code x.stride()}.
     */
    static void multiply(float[] panel, int rows, int cols, Transposed x, float[] ct) {
        int groups = (rows + ROWS - 1) / ROWS;
        int stride = x.stride();
        float[] xt = x.xt();
        for (int t0 = 0; t0 < stride; t0 += VECS * L) {
            boolean full = t0 + VECS * L <= stride;
            for (int p0 = 0; p0 < cols; p0 += KB) {
                int p1 = Math.min(cols, p0 + KB);
                for (int g = 0; g < groups; g++) {
                    int r = g * ROWS;
                    if (full) {
                        kernel6x4(panel, r * cols, cols, xt, stride, t0, p0, p1, ct, r * stride + t0);
                    } else {
                        for (int t = t0; t < stride; t += L) kernel6x1(panel, r * cols, cols, xt, stride, t, p0, p1, ct, r * stride + t);
                    }
                }
            }
        }
    }

    /** Six rows × four token vectors over p in [p0, p1), continuing the sums already in ct when p0 > 0. */
    private static void kernel6x4(float[] w, int wo, int k, float[] xt, int ldx, int t0, int p0, int p1, float[] c,
            int co) {
        int ldc = ldx;
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        FloatVector z = FloatVector.zero(S);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
        FloatVector a40 = z, a41 = z, a42 = z, a43 = z, a50 = z, a51 = z, a52 = z, a53 = z;
        if (p0 > 0) {
            a00 = FloatVector.fromArray(S, c, co); a01 = FloatVector.fromArray(S, c, co + L);
            a02 = FloatVector.fromArray(S, c, co + 2 * L); a03 = FloatVector.fromArray(S, c, co + 3 * L);
            a10 = FloatVector.fromArray(S, c, c1); a11 = FloatVector.fromArray(S, c, c1 + L);
            a12 = FloatVector.fromArray(S, c, c1 + 2 * L); a13 = FloatVector.fromArray(S, c, c1 + 3 * L);
            a20 = FloatVector.fromArray(S, c, c2); a21 = FloatVector.fromArray(S, c, c2 + L);
            a22 = FloatVector.fromArray(S, c, c2 + 2 * L); a23 = FloatVector.fromArray(S, c, c2 + 3 * L);
            a30 = FloatVector.fromArray(S, c, c3); a31 = FloatVector.fromArray(S, c, c3 + L);
            a32 = FloatVector.fromArray(S, c, c3 + 2 * L); a33 = FloatVector.fromArray(S, c, c3 + 3 * L);
            a40 = FloatVector.fromArray(S, c, c4); a41 = FloatVector.fromArray(S, c, c4 + L);
            a42 = FloatVector.fromArray(S, c, c4 + 2 * L); a43 = FloatVector.fromArray(S, c, c4 + 3 * L);
            a50 = FloatVector.fromArray(S, c, c5); a51 = FloatVector.fromArray(S, c, c5 + L);
            a52 = FloatVector.fromArray(S, c, c5 + 2 * L); a53 = FloatVector.fromArray(S, c, c5 + 3 * L);
        }
        int w0 = wo, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k, w4 = w3 + k, w5 = w4 + k;
        for (int p = p0; p < p1; p++) {
            int xo = p * ldx + t0;
            FloatVector x0 = FloatVector.fromArray(S, xt, xo), x1 = FloatVector.fromArray(S, xt, xo + L);
            FloatVector x2 = FloatVector.fromArray(S, xt, xo + 2 * L), x3 = FloatVector.fromArray(S, xt, xo + 3 * L);
            FloatVector s = FloatVector.broadcast(S, w[w0 + p]);
            a00 = s.fma(x0, a00); a01 = s.fma(x1, a01); a02 = s.fma(x2, a02); a03 = s.fma(x3, a03);
            s = FloatVector.broadcast(S, w[w1 + p]);
            a10 = s.fma(x0, a10); a11 = s.fma(x1, a11); a12 = s.fma(x2, a12); a13 = s.fma(x3, a13);
            s = FloatVector.broadcast(S, w[w2 + p]);
            a20 = s.fma(x0, a20); a21 = s.fma(x1, a21); a22 = s.fma(x2, a22); a23 = s.fma(x3, a23);
            s = FloatVector.broadcast(S, w[w3 + p]);
            a30 = s.fma(x0, a30); a31 = s.fma(x1, a31); a32 = s.fma(x2, a32); a33 = s.fma(x3, a33);
            s = FloatVector.broadcast(S, w[w4 + p]);
            a40 = s.fma(x0, a40); a41 = s.fma(x1, a41); a42 = s.fma(x2, a42); a43 = s.fma(x3, a43);
            s = FloatVector.broadcast(S, w[w5 + p]);
            a50 = s.fma(x0, a50); a51 = s.fma(x1, a51); a52 = s.fma(x2, a52); a53 = s.fma(x3, a53);
        }
        a00.intoArray(c, co); a01.intoArray(c, co + L); a02.intoArray(c, co + 2 * L); a03.intoArray(c, co + 3 * L);
        a10.intoArray(c, c1); a11.intoArray(c, c1 + L); a12.intoArray(c, c1 + 2 * L); a13.intoArray(c, c1 + 3 * L);
        a20.intoArray(c, c2); a21.intoArray(c, c2 + L); a22.intoArray(c, c2 + 2 * L); a23.intoArray(c, c2 + 3 * L);
        a30.intoArray(c, c3); a31.intoArray(c, c3 + L); a32.intoArray(c, c3 + 2 * L); a33.intoArray(c, c3 + 3 * L);
        a40.intoArray(c, c4); a41.intoArray(c, c4 + L); a42.intoArray(c, c4 + 2 * L); a43.intoArray(c, c4 + 3 * L);
        a50.intoArray(c, c5); a51.intoArray(c, c5 + L); a52.intoArray(c, c5 + 2 * L); a53.intoArray(c, c5 + 3 * L);
    }

    /** Six rows × one token vector: the tokens left over after the four-vector blocks. */
    private static void kernel6x1(float[] w, int wo, int k, float[] xt, int ldx, int t, int p0, int p1, float[] c,
            int co) {
        int ldc = ldx;
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        FloatVector z = FloatVector.zero(S);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z;
        if (p0 > 0) {
            a0 = FloatVector.fromArray(S, c, co); a1 = FloatVector.fromArray(S, c, c1);
            a2 = FloatVector.fromArray(S, c, c2); a3 = FloatVector.fromArray(S, c, c3);
            a4 = FloatVector.fromArray(S, c, c4); a5 = FloatVector.fromArray(S, c, c5);
        }
        int w0 = wo, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k, w4 = w3 + k, w5 = w4 + k;
        for (int p = p0; p < p1; p++) {
            FloatVector x = FloatVector.fromArray(S, xt, p * ldx + t);
            a0 = FloatVector.broadcast(S, w[w0 + p]).fma(x, a0);
            a1 = FloatVector.broadcast(S, w[w1 + p]).fma(x, a1);
            a2 = FloatVector.broadcast(S, w[w2 + p]).fma(x, a2);
            a3 = FloatVector.broadcast(S, w[w3 + p]).fma(x, a3);
            a4 = FloatVector.broadcast(S, w[w4 + p]).fma(x, a4);
            a5 = FloatVector.broadcast(S, w[w5 + p]).fma(x, a5);
        }
        a0.intoArray(c, co); a1.intoArray(c, c1); a2.intoArray(c, c2);
        a3.intoArray(c, c3); a4.intoArray(c, c4); a5.intoArray(c, c5);
    }
}
