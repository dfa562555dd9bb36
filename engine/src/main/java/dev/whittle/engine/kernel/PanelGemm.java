package dev.whittle.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The prefill GEMM on decoded weight panels: {@code C[r, t] = Σ_p W[r, p] · X[t, p]} for a panel of weight rows
 * (row-major floats, as {@link FloatRowKernel#decodeRow} writes them) and every token of a prompt.
 *
 * <p>Form: outer products. The activations are repacked once per matmul ({@link Transposed}: for each group of
 * L tokens, the group's L values of column p side by side, p after p) and shared by all threads; each step
 * broadcasts one weight and multiply-adds it into vectors of L consecutive tokens, so the weights stay in the
 * row layout the decoders produce. Micro-kernel: 6 weight rows × 4 token groups (24 accumulators; 6 broadcasts
 * and 4 loads per 24 FMAs); two groups left over run 6 × 2, one 6 × 1.
 * <p>Why the packed layout: every load in the inner loop is then a loop-invariant base plus p times a constant
 * (1 for weights, L for tokens), which C2's range-check elimination needs. With the plain X^T (stride = token
 * count) and {@link OuterProductGemm}'s general strides, the loop kept ten bounds checks and spilled its index
 * arithmetic to the stack: about 60 instructions per 24 FMAs.
 *
 * <p>The 6 × 4 tile has {@link OuterProductGemm}'s shape but is not shared with it: one method serving both
 * (rows through a stride, token groups as four streams) ran this GEMM at 0.8-0.9x (F32 2048×2048, 128 tokens:
 * 130-160 against 160-170 GFLOP/s), C2 scheduling all six broadcasts ahead and spilling accumulators to the stack.
 *
 * <p>Contract: every output is one fused multiply-add chain over p in ascending order (the C tile is stored and
 * reloaded between k blocks, exactly), so it does not depend on panel size, blocking, token padding or how
 * threads split the rows.
 */
final class PanelGemm {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    /** Decoded weight rows per panel: 48 × 5632 floats = 1 MiB, within L2. */
    static final int PANEL_ROWS = 48;
    /** Columns (k) per block: 4 token groups × 256 columns = 64 KiB of activations, reused by every 6-row strip. */
    private static final int KB = 256;

    private PanelGemm() {
    }

    /**
     * The activations packed by token groups: token {@code g·L + l}'s column p at {@code xp[(g·cols + p)·L + l]}.
     * The token count is rounded up to whole groups ({@code stride}); padding tokens are zero and their outputs
     * are never read.
     */
    record Transposed(float[] xp, int n, int stride, int cols) {
        /** Token t's column p. */
        float at(int p, int t) {
            return xp[((t / L) * cols + p) * L + t % L];
        }
    }

    /** Packs n rows of {@code cols} activations (see {@link Transposed}), 64 columns at a time per group. */
    static Transposed transpose(float[] x, int n, int cols) {
        int stride = (n + L - 1) / L * L;
        float[] xp = new float[cols * stride];
        for (int g = 0; g < stride / L; g++) {
            int t1 = Math.min(n, g * L + L);
            for (int p0 = 0; p0 < cols; p0 += 64) {
                int p1 = Math.min(cols, p0 + 64);
                for (int t = g * L; t < t1; t++) {
                    int src = t * cols, lane = t - g * L;
                    for (int p = p0; p < p1; p++) xp[(g * cols + p) * L + lane] = x[src + p];
                }
            }
        }
        return new Transposed(xp, n, stride, cols);
    }

    /**
     * {@code ct[r * x.stride() + t] = Σ_p panel[r * cols + p] · X[t, p]} for r < rows and every token (padding
     * included). {@code ct} needs {@code rows} rows of {@code x.stride()}.
     */
    static void multiply(float[] panel, int rows, int cols, Transposed x, float[] ct) {
        float[] xp = x.xp();
        int stride = x.stride(), groups = stride / L;
        for (int p0 = 0; p0 < cols; p0 += KB) {
            int p1 = Math.min(cols, p0 + KB);
            boolean acc = p0 > 0;
            int g = 0;
            for (; g + 4 <= groups; g += 4) {
                int r = 0;
                for (; r + 6 <= rows; r += 6) kernel6x4(panel, r, cols, xp, g, ct, stride, p0, p1, acc);
                for (; r < rows; r++) kernel1x4(panel, r, cols, xp, g, ct, stride, p0, p1, acc);
            }
            if (g + 2 <= groups) { // 17-32 tokens at 16 lanes: two groups in one tile, not two broadcast-bound 6 × 1
                int r = 0;
                for (; r + 6 <= rows; r += 6) kernel6x2(panel, r, cols, xp, g, ct, stride, p0, p1, acc);
                for (; r < rows; r++) {
                    kernel1x1(panel, r, cols, xp, g, ct, stride, p0, p1, acc);
                    kernel1x1(panel, r, cols, xp, g + 1, ct, stride, p0, p1, acc);
                }
                g += 2;
            }
            for (; g < groups; g++) {
                int r = 0;
                for (; r + 6 <= rows; r += 6) kernel6x1(panel, r, cols, xp, g, ct, stride, p0, p1, acc);
                for (; r < rows; r++) kernel1x1(panel, r, cols, xp, g, ct, stride, p0, p1, acc);
            }
        }
    }

    /** Rows r .. r+5 × token groups g .. g+3. */
    private static void kernel6x4(float[] a, int r, int cols, float[] xp, int g, float[] c, int stride, int p0,
                                  int p1, boolean acc) {
        int a0 = r * cols, a1 = a0 + cols, a2 = a1 + cols, a3 = a2 + cols, a4 = a3 + cols, a5 = a4 + cols;
        int b0 = g * cols * L, b1 = b0 + cols * L, b2 = b1 + cols * L, b3 = b2 + cols * L;
        int c0 = r * stride + g * L, c1 = c0 + stride, c2 = c1 + stride, c3 = c2 + stride, c4 = c3 + stride, c5 = c4 + stride;
        FloatVector z = FloatVector.zero(F);
        FloatVector s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z;
        FloatVector s20 = z, s21 = z, s22 = z, s23 = z, s30 = z, s31 = z, s32 = z, s33 = z;
        FloatVector s40 = z, s41 = z, s42 = z, s43 = z, s50 = z, s51 = z, s52 = z, s53 = z;
        if (acc) {
            s00 = FloatVector.fromArray(F, c, c0); s01 = FloatVector.fromArray(F, c, c0 + L);
            s02 = FloatVector.fromArray(F, c, c0 + 2 * L); s03 = FloatVector.fromArray(F, c, c0 + 3 * L);
            s10 = FloatVector.fromArray(F, c, c1); s11 = FloatVector.fromArray(F, c, c1 + L);
            s12 = FloatVector.fromArray(F, c, c1 + 2 * L); s13 = FloatVector.fromArray(F, c, c1 + 3 * L);
            s20 = FloatVector.fromArray(F, c, c2); s21 = FloatVector.fromArray(F, c, c2 + L);
            s22 = FloatVector.fromArray(F, c, c2 + 2 * L); s23 = FloatVector.fromArray(F, c, c2 + 3 * L);
            s30 = FloatVector.fromArray(F, c, c3); s31 = FloatVector.fromArray(F, c, c3 + L);
            s32 = FloatVector.fromArray(F, c, c3 + 2 * L); s33 = FloatVector.fromArray(F, c, c3 + 3 * L);
            s40 = FloatVector.fromArray(F, c, c4); s41 = FloatVector.fromArray(F, c, c4 + L);
            s42 = FloatVector.fromArray(F, c, c4 + 2 * L); s43 = FloatVector.fromArray(F, c, c4 + 3 * L);
            s50 = FloatVector.fromArray(F, c, c5); s51 = FloatVector.fromArray(F, c, c5 + L);
            s52 = FloatVector.fromArray(F, c, c5 + 2 * L); s53 = FloatVector.fromArray(F, c, c5 + 3 * L);
        }
        for (int p = p0; p < p1; p++) {
            FloatVector x0 = FloatVector.fromArray(F, xp, b0 + p * L), x1 = FloatVector.fromArray(F, xp, b1 + p * L);
            FloatVector x2 = FloatVector.fromArray(F, xp, b2 + p * L), x3 = FloatVector.fromArray(F, xp, b3 + p * L);
            FloatVector w = FloatVector.broadcast(F, a[a0 + p]);
            s00 = w.fma(x0, s00); s01 = w.fma(x1, s01); s02 = w.fma(x2, s02); s03 = w.fma(x3, s03);
            w = FloatVector.broadcast(F, a[a1 + p]);
            s10 = w.fma(x0, s10); s11 = w.fma(x1, s11); s12 = w.fma(x2, s12); s13 = w.fma(x3, s13);
            w = FloatVector.broadcast(F, a[a2 + p]);
            s20 = w.fma(x0, s20); s21 = w.fma(x1, s21); s22 = w.fma(x2, s22); s23 = w.fma(x3, s23);
            w = FloatVector.broadcast(F, a[a3 + p]);
            s30 = w.fma(x0, s30); s31 = w.fma(x1, s31); s32 = w.fma(x2, s32); s33 = w.fma(x3, s33);
            w = FloatVector.broadcast(F, a[a4 + p]);
            s40 = w.fma(x0, s40); s41 = w.fma(x1, s41); s42 = w.fma(x2, s42); s43 = w.fma(x3, s43);
            w = FloatVector.broadcast(F, a[a5 + p]);
            s50 = w.fma(x0, s50); s51 = w.fma(x1, s51); s52 = w.fma(x2, s52); s53 = w.fma(x3, s53);
        }
        s00.intoArray(c, c0); s01.intoArray(c, c0 + L); s02.intoArray(c, c0 + 2 * L); s03.intoArray(c, c0 + 3 * L);
        s10.intoArray(c, c1); s11.intoArray(c, c1 + L); s12.intoArray(c, c1 + 2 * L); s13.intoArray(c, c1 + 3 * L);
        s20.intoArray(c, c2); s21.intoArray(c, c2 + L); s22.intoArray(c, c2 + 2 * L); s23.intoArray(c, c2 + 3 * L);
        s30.intoArray(c, c3); s31.intoArray(c, c3 + L); s32.intoArray(c, c3 + 2 * L); s33.intoArray(c, c3 + 3 * L);
        s40.intoArray(c, c4); s41.intoArray(c, c4 + L); s42.intoArray(c, c4 + 2 * L); s43.intoArray(c, c4 + 3 * L);
        s50.intoArray(c, c5); s51.intoArray(c, c5 + L); s52.intoArray(c, c5 + 2 * L); s53.intoArray(c, c5 + 3 * L);
    }

    /** Rows r .. r+5 × token group g (the groups left over from fours). */
    private static void kernel6x1(float[] a, int r, int cols, float[] xp, int g, float[] c, int stride, int p0,
                                  int p1, boolean acc) {
        int a0 = r * cols, b = g * cols * L, c0 = r * stride + g * L;
        FloatVector z = FloatVector.zero(F);
        FloatVector s0 = acc ? FloatVector.fromArray(F, c, c0) : z, s1 = acc ? FloatVector.fromArray(F, c, c0 + stride) : z;
        FloatVector s2 = acc ? FloatVector.fromArray(F, c, c0 + 2 * stride) : z, s3 = acc ? FloatVector.fromArray(F, c, c0 + 3 * stride) : z;
        FloatVector s4 = acc ? FloatVector.fromArray(F, c, c0 + 4 * stride) : z, s5 = acc ? FloatVector.fromArray(F, c, c0 + 5 * stride) : z;
        for (int p = p0; p < p1; p++) {
            FloatVector x = FloatVector.fromArray(F, xp, b + p * L);
            s0 = FloatVector.broadcast(F, a[a0 + p]).fma(x, s0);
            s1 = FloatVector.broadcast(F, a[a0 + cols + p]).fma(x, s1);
            s2 = FloatVector.broadcast(F, a[a0 + 2 * cols + p]).fma(x, s2);
            s3 = FloatVector.broadcast(F, a[a0 + 3 * cols + p]).fma(x, s3);
            s4 = FloatVector.broadcast(F, a[a0 + 4 * cols + p]).fma(x, s4);
            s5 = FloatVector.broadcast(F, a[a0 + 5 * cols + p]).fma(x, s5);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + stride);
        s2.intoArray(c, c0 + 2 * stride);
        s3.intoArray(c, c0 + 3 * stride);
        s4.intoArray(c, c0 + 4 * stride);
        s5.intoArray(c, c0 + 5 * stride);
    }

    /** Rows r .. r+5 × token groups g, g+1: 12 accumulators, 6 broadcasts and 2 loads per 12 FMAs. */
    private static void kernel6x2(float[] a, int r, int cols, float[] xp, int g, float[] c, int stride, int p0,
                                  int p1, boolean acc) {
        int a0 = r * cols, a1 = a0 + cols, a2 = a1 + cols, a3 = a2 + cols, a4 = a3 + cols, a5 = a4 + cols;
        int b0 = g * cols * L, b1 = b0 + cols * L;
        int c0 = r * stride + g * L, c1 = c0 + stride, c2 = c1 + stride, c3 = c2 + stride, c4 = c3 + stride, c5 = c4 + stride;
        FloatVector z = FloatVector.zero(F);
        FloatVector s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z, s40 = z, s41 = z, s50 = z, s51 = z;
        if (acc) {
            s00 = FloatVector.fromArray(F, c, c0); s01 = FloatVector.fromArray(F, c, c0 + L);
            s10 = FloatVector.fromArray(F, c, c1); s11 = FloatVector.fromArray(F, c, c1 + L);
            s20 = FloatVector.fromArray(F, c, c2); s21 = FloatVector.fromArray(F, c, c2 + L);
            s30 = FloatVector.fromArray(F, c, c3); s31 = FloatVector.fromArray(F, c, c3 + L);
            s40 = FloatVector.fromArray(F, c, c4); s41 = FloatVector.fromArray(F, c, c4 + L);
            s50 = FloatVector.fromArray(F, c, c5); s51 = FloatVector.fromArray(F, c, c5 + L);
        }
        for (int p = p0; p < p1; p++) {
            FloatVector x0 = FloatVector.fromArray(F, xp, b0 + p * L), x1 = FloatVector.fromArray(F, xp, b1 + p * L);
            FloatVector w = FloatVector.broadcast(F, a[a0 + p]);
            s00 = w.fma(x0, s00); s01 = w.fma(x1, s01);
            w = FloatVector.broadcast(F, a[a1 + p]);
            s10 = w.fma(x0, s10); s11 = w.fma(x1, s11);
            w = FloatVector.broadcast(F, a[a2 + p]);
            s20 = w.fma(x0, s20); s21 = w.fma(x1, s21);
            w = FloatVector.broadcast(F, a[a3 + p]);
            s30 = w.fma(x0, s30); s31 = w.fma(x1, s31);
            w = FloatVector.broadcast(F, a[a4 + p]);
            s40 = w.fma(x0, s40); s41 = w.fma(x1, s41);
            w = FloatVector.broadcast(F, a[a5 + p]);
            s50 = w.fma(x0, s50); s51 = w.fma(x1, s51);
        }
        s00.intoArray(c, c0); s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1); s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2); s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3); s31.intoArray(c, c3 + L);
        s40.intoArray(c, c4); s41.intoArray(c, c4 + L);
        s50.intoArray(c, c5); s51.intoArray(c, c5 + L);
    }

    /** Row r × token groups g .. g+3 (rows left over from sixes). */
    private static void kernel1x4(float[] a, int r, int cols, float[] xp, int g, float[] c, int stride, int p0,
                                  int p1, boolean acc) {
        int a0 = r * cols, b0 = g * cols * L, c0 = r * stride + g * L;
        FloatVector z = FloatVector.zero(F);
        FloatVector s0 = acc ? FloatVector.fromArray(F, c, c0) : z, s1 = acc ? FloatVector.fromArray(F, c, c0 + L) : z;
        FloatVector s2 = acc ? FloatVector.fromArray(F, c, c0 + 2 * L) : z, s3 = acc ? FloatVector.fromArray(F, c, c0 + 3 * L) : z;
        for (int p = p0; p < p1; p++) {
            FloatVector w = FloatVector.broadcast(F, a[a0 + p]);
            s0 = w.fma(FloatVector.fromArray(F, xp, b0 + p * L), s0);
            s1 = w.fma(FloatVector.fromArray(F, xp, b0 + cols * L + p * L), s1);
            s2 = w.fma(FloatVector.fromArray(F, xp, b0 + 2 * cols * L + p * L), s2);
            s3 = w.fma(FloatVector.fromArray(F, xp, b0 + 3 * cols * L + p * L), s3);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + L);
        s2.intoArray(c, c0 + 2 * L);
        s3.intoArray(c, c0 + 3 * L);
    }

    private static void kernel1x1(float[] a, int r, int cols, float[] xp, int g, float[] c, int stride, int p0,
                                  int p1, boolean acc) {
        int a0 = r * cols, b = g * cols * L, c0 = r * stride + g * L;
        FloatVector s = acc ? FloatVector.fromArray(F, c, c0) : FloatVector.zero(F);
        for (int p = p0; p < p1; p++) s = FloatVector.broadcast(F, a[a0 + p]).fma(FloatVector.fromArray(F, xp, b + p * L), s);
        s.intoArray(c, c0);
    }
}
