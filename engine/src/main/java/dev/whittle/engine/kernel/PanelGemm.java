package dev.whittle.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The prefill GEMM on decoded weight panels: {@code C[r, t] = Σ_p W[r, p] · X[t, p]} for a panel of weight rows
 * (one float array per row, as {@link FloatRowKernel#decodeRow} writes them) and every token of a prompt.
 *
 * <p>Form: outer products. The activations are repacked once per matmul ({@link Transposed}) and shared by all
 * threads; each step broadcasts one weight and multiply-adds it into vectors of L consecutive tokens, so the
 * weights stay in the row layout the decoders produce. Micro-kernel: 8 weight rows × 3 token groups (24
 * accumulators; 8 broadcasts and 3 loads per 24 FMAs, {@link #kernel8x3}); the groups left over run as 8 × 2 or
 * 8 × 1, and rows left from eights one at a time (decoder panels and the engine's row chunks come in eights).
 * <p>Why this layout: the inner loop must spend its issue slots on FMAs. Each of the weight rows is its own
 * array and a tile's token groups are interleaved p by p in one array, so every load is a base register plus p
 * (times a constant) and a constant displacement: per 24 FMAs, 11 loads and about 3 integer ops. With one array
 * for the panel and one per group, C2 kept each row's offset in a stack slot and added it every step (about 14
 * integer ops per 24 FMAs), and those ops took turns on the two ports the 512-bit FMAs need. On the 2-vCPU Xeon
 * (FMA peak 230 GFLOP/s per core, measured with 24 independent chains), 1 thread, 128 tokens: this GEMM alone on
 * a 48×2048 panel ran at 196 GFLOP/s median, 212 best (48×5632: 182), then with 6×4 tiles; MatmulProbe F32 2048×2048 150 → 155-161
 * median; the whole tinyllama-shape Q4_0 model, 2 threads, pp128 115-118 → 129-133 tok/s (alternating runs).
 * Unrolling the old loop by four instead made it slower (C2 then kept the bounds checks in the loop).
 * <p>Contract: every output is one fused multiply-add chain over p in ascending order (the C tile is stored and
 * reloaded between k blocks, exactly), so it does not depend on panel size, blocking, token padding or how
 * threads split the rows.
 */
final class PanelGemm {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    /** Decoded weight rows per panel: 48 × 5632 floats = 1 MiB, within L2. */
    static final int PANEL_ROWS = 48;
    /** Columns (k) per block: 3 token groups × 256 columns = 48 KiB of activations, reused by every 8-row strip. */
    private static final int KB = 256;

    private PanelGemm() {
    }

    /**
     * The activations packed for the micro-kernels. Tokens are taken in groups of L (the token count rounded up
     * to whole groups is {@code stride}; padding tokens are zero and their outputs are never read), and groups in
     * tiles of {@link #TILE_GROUPS}, the last one taking what is left. Tile i holds {@code width(i)} groups from
     * group {@code i·TILE_GROUPS}, column by column: group j's L values of column p at
     * {@code tile(i)[(p·width + j)·L ..]}.
     * <p>Tiles are packed on first use by the threads of the matmul, each packing the tiles no one has claimed
     * yet, then waiting for the rest ({@link #packAll}). Packed by the caller before the other threads started, as
     * before, 128 × 2048 kept one of two threads idle for 6 % of that matmul. With the in-register transposes, this
     * sharing, the scratch kept between calls and (then) 4- and 2-row kernels for the rows left from sixes:
     * MatmulProbe Q4_0 2048×2048, 128 tokens, 2 threads, median 281-291 → 330-340 GFLOP/s (alternating runs);
     * tinyllama-shape Q4_0 pp128 132-133 → 142-143 tok/s.
     */
    static final class Transposed {
        private static final int UNPACKED = 0, PACKING = 1, PACKED = 2;
        private final float[] x;
        private final float[][] tiles;
        private final AtomicIntegerArray state;
        private final int n, groups, cols;

        private Transposed(float[] x, int n, int cols) {
            this.x = x;
            this.n = n;
            this.cols = cols;
            this.groups = (n + L - 1) / L;
            int count = (groups + TILE_GROUPS - 1) / TILE_GROUPS;
            this.tiles = new float[count][];
            this.state = new AtomicIntegerArray(count);
        }

        int n() {
            return n;
        }

        int stride() {
            return groups * L;
        }

        int cols() {
            return cols;
        }

        int tileCount() {
            return tiles.length;
        }

        int width(int i) {
            return Math.min(TILE_GROUPS, groups - i * TILE_GROUPS);
        }

        /** Tile i, once {@link #packAll} has returned. */
        float[] tile(int i) {
            return tiles[i];
        }

        /** Packs every tile no other thread has claimed, then waits until all are packed. */
        void packAll() {
            for (int i = 0; i < tiles.length; i++) tryPack(i);
            for (int i = 0; i < tiles.length; i++) {
                while (state.get(i) != PACKED) {
                    if (!tryPack(i)) Thread.onSpinWait();
                }
            }
        }

        /** Packs tile i if no thread has claimed it; a failed packing releases the claim for another thread. */
        private boolean tryPack(int i) {
            if (state.get(i) != UNPACKED || !state.compareAndSet(i, UNPACKED, PACKING)) return false;
            try {
                tiles[i] = pack(x, n, cols, i * TILE_GROUPS, width(i));
            } catch (Throwable t) {
                state.set(i, UNPACKED);
                throw t;
            }
            state.set(i, PACKED); // volatile write: publishes tiles[i]
            return true;
        }

        /** Token t's column p. */
        float at(int p, int t) {
            packAll();
            if (t < 0 || t >= groups * L) throw new IndexOutOfBoundsException("token " + t);
            int g = t / L, i = g / TILE_GROUPS;
            return tiles[i][(p * width(i) + g % TILE_GROUPS) * L + t % L];
        }
    }

    /**
     * Token groups per tile: {@link #kernel8x3}'s three; the last tile takes what is left, two or one. (A tile of
     * four, 6 rows × 4 groups, where a lone group would be left measured the same as three and one: 64 tokens
     * 186-200 against 185-194 GFLOP/s, so it went, with its three kernels for the rows left from sixes.)
     */
    static final int TILE_GROUPS = 3;

    /** The n rows of {@code cols} activations {@code x}, to be packed into tiles (see {@link Transposed}) on first use. */
    static Transposed transpose(float[] x, int n, int cols) {
        return new Transposed(x, n, cols);
    }

    /**
     * One tile: {@code width} groups of L tokens from group {@code firstGroup}, L tokens × L columns at a time
     * through {@link #transposeBlock}. For 128 × 2048 (two tiles), a scalar copy loop took 235-260 µs, gathers of L
     * tokens' values 142-170 µs, these in-register transposes 127 µs of which about 35 are the allocation.
     */
    private static float[] pack(float[] x, int n, int cols, int firstGroup, int width) {
        float[] tile = new float[cols * width * L];
        float[] s = new float[L * L], d = new float[L * L];
        for (int j = 0; j < width; j++) {
            int t0 = (firstGroup + j) * L, live = Math.min(L, n - t0), p = 0;
            for (; p + L <= cols; p += L) transposeBlock(x, t0 * cols + p, cols, live, tile, (p * width + j) * L, width * L, s, d);
            for (; p < cols; p++) {
                for (int l = 0; l < live; l++) tile[(p * width + j) * L + l] = x[(t0 + l) * cols + p];
            }
        }
        return tile;
    }

    /** Lane indices into two concatenated vectors for {@link #transposeBlock}'s steps, low and high half: [h][lane]. */
    private static final float[][] STEP_LOW = new float[L][L], STEP_HIGH = new float[L][L];

    static {
        for (int h = 1; h < L; h *= 2) {
            for (int c = 0; c < L; c += 2 * h) {
                for (int k = 0; k < h; k++) {
                    STEP_LOW[h][c + k] = c + k;
                    STEP_LOW[h][c + h + k] = L + c + k;
                    STEP_HIGH[h][c + k] = c + h + k;
                    STEP_HIGH[h][c + h + k] = L + c + h + k;
                }
            }
        }
    }

    /**
     * Rows {@code x[src + r·rowStride ..]} of L floats (r < live; rows past live read as zero) transposed into L
     * vectors at {@code dst[dstOff + k·dstStride]}: vector k holds column k of every row. log2(L) steps; each pairs
     * rows h apart and swaps blocks of h lanes between them with a two-vector permute (for L = 16: 64 permutes
     * per 256 values), through the scratch arrays {@code s} and {@code d} (L·L floats, in L1).
     */
    private static void transposeBlock(float[] x, int src, int rowStride, int live, float[] dst, int dstOff,
                                       int dstStride, float[] s, float[] d) {
        for (int r = 0; r < L; r++) {
            FloatVector v = r < live ? FloatVector.fromArray(F, x, src + r * rowStride) : FloatVector.zero(F);
            v.intoArray(s, r * L);
        }
        for (int h = L / 2; h >= 1; h /= 2) {
            FloatVector low = FloatVector.fromArray(F, STEP_LOW[h], 0), high = FloatVector.fromArray(F, STEP_HIGH[h], 0);
            boolean last = h == 1;
            for (int blk = 0; blk < L; blk += 2 * h) {
                for (int r = blk; r < blk + h; r++) {
                    FloatVector a = FloatVector.fromArray(F, s, r * L), b = FloatVector.fromArray(F, s, (r + h) * L);
                    FloatVector lo = low.selectFrom(a, b), hi = high.selectFrom(a, b);
                    if (last) {
                        lo.intoArray(dst, dstOff + r * dstStride);
                        hi.intoArray(dst, dstOff + (r + h) * dstStride);
                    } else {
                        lo.intoArray(d, r * L);
                        hi.intoArray(d, (r + h) * L);
                    }
                }
            }
            float[] t = s;
            s = d;
            d = t;
        }
    }

    /**
     * {@code ct[r * x.stride() + t] = Σ_p panel[r][p] · X[t, p]} for r < rows and every token (padding included).
     * {@code ct} needs {@code rows} rows of {@code x.stride()}.
     */
    static void multiply(float[][] panel, int rows, int cols, Transposed x, float[] ct) {
        int stride = x.stride();
        x.packAll();
        for (int p0 = 0; p0 < cols; p0 += KB) {
            int p1 = Math.min(cols, p0 + KB);
            boolean acc = p0 > 0;
            for (int i = 0; i < x.tileCount(); i++) {
                float[] xt = x.tile(i);
                int width = x.width(i), c = i * TILE_GROUPS * L, r = 0;
                // rows by eights (the eight-row kernels; a tile of one has a broadcast per FMA, so it needs eight
                // chains too), then one at a time
                for (; r + 8 <= rows; r += 8) {
                    switch (width) {
                        case 3 -> kernel8x3(panel, r, xt, ct, r * stride + c, stride, p0, p1, acc);
                        case 2 -> kernel8x2(panel, r, xt, ct, r * stride + c, stride, p0, p1, acc);
                        default -> kernel8x1(panel, r, xt, ct, r * stride + c, stride, p0, p1, acc);
                    }
                }
                for (; r < rows; r++) {
                    switch (width) {
                        case 3 -> kernel1x3(panel[r], xt, ct, r * stride + c, p0, p1, acc);
                        case 2 -> kernel1x2(panel[r], xt, ct, r * stride + c, p0, p1, acc);
                        default -> kernel1x1(panel[r], xt, ct, r * stride + c, p0, p1, acc);
                    }
                }
            }
        }
    }

    /**
     * Eight rows from {@code r} × a tile of three token groups, the main micro-kernel: 24 accumulators, 8 broadcasts
     * and 3 loads per 24 FMAs. Against the 6 rows × 4 groups it replaced (4 loads, 6 broadcasts per 24 FMAs), this
     * GEMM alone on a 48×2048 panel, 1 thread, median: 128 tokens 186-195 → 205-210 GFLOP/s, 512 tokens 166-168 →
     * 181, 96 tokens 200-205 → 209-213 (91 % of the FMA peak).
     */
    private static void kernel8x3(float[][] panel, int r, float[] xt, float[] c, int c0, int stride, int p0, int p1,
                                  boolean acc) {
        float[] a0 = panel[r], a1 = panel[r + 1], a2 = panel[r + 2], a3 = panel[r + 3];
        float[] a4 = panel[r + 4], a5 = panel[r + 5], a6 = panel[r + 6], a7 = panel[r + 7];
        int c1 = c0 + stride, c2 = c1 + stride, c3 = c2 + stride, c4 = c3 + stride, c5 = c4 + stride, c6 = c5 + stride, c7 = c6 + stride;
        FloatVector z = FloatVector.zero(F);
        FloatVector s00 = z, s01 = z, s02 = z, s10 = z, s11 = z, s12 = z, s20 = z, s21 = z, s22 = z, s30 = z, s31 = z, s32 = z;
        FloatVector s40 = z, s41 = z, s42 = z, s50 = z, s51 = z, s52 = z, s60 = z, s61 = z, s62 = z, s70 = z, s71 = z, s72 = z;
        if (acc) {
            s00 = FloatVector.fromArray(F, c, c0); s01 = FloatVector.fromArray(F, c, c0 + L); s02 = FloatVector.fromArray(F, c, c0 + 2 * L);
            s10 = FloatVector.fromArray(F, c, c1); s11 = FloatVector.fromArray(F, c, c1 + L); s12 = FloatVector.fromArray(F, c, c1 + 2 * L);
            s20 = FloatVector.fromArray(F, c, c2); s21 = FloatVector.fromArray(F, c, c2 + L); s22 = FloatVector.fromArray(F, c, c2 + 2 * L);
            s30 = FloatVector.fromArray(F, c, c3); s31 = FloatVector.fromArray(F, c, c3 + L); s32 = FloatVector.fromArray(F, c, c3 + 2 * L);
            s40 = FloatVector.fromArray(F, c, c4); s41 = FloatVector.fromArray(F, c, c4 + L); s42 = FloatVector.fromArray(F, c, c4 + 2 * L);
            s50 = FloatVector.fromArray(F, c, c5); s51 = FloatVector.fromArray(F, c, c5 + L); s52 = FloatVector.fromArray(F, c, c5 + 2 * L);
            s60 = FloatVector.fromArray(F, c, c6); s61 = FloatVector.fromArray(F, c, c6 + L); s62 = FloatVector.fromArray(F, c, c6 + 2 * L);
            s70 = FloatVector.fromArray(F, c, c7); s71 = FloatVector.fromArray(F, c, c7 + L); s72 = FloatVector.fromArray(F, c, c7 + 2 * L);
        }
        for (int p = p0; p < p1; p++) {
            int xo = p * 3 * L;
            FloatVector x0 = FloatVector.fromArray(F, xt, xo), x1 = FloatVector.fromArray(F, xt, xo + L);
            FloatVector x2 = FloatVector.fromArray(F, xt, xo + 2 * L);
            FloatVector w = FloatVector.broadcast(F, a0[p]);
            s00 = w.fma(x0, s00); s01 = w.fma(x1, s01); s02 = w.fma(x2, s02);
            w = FloatVector.broadcast(F, a1[p]);
            s10 = w.fma(x0, s10); s11 = w.fma(x1, s11); s12 = w.fma(x2, s12);
            w = FloatVector.broadcast(F, a2[p]);
            s20 = w.fma(x0, s20); s21 = w.fma(x1, s21); s22 = w.fma(x2, s22);
            w = FloatVector.broadcast(F, a3[p]);
            s30 = w.fma(x0, s30); s31 = w.fma(x1, s31); s32 = w.fma(x2, s32);
            w = FloatVector.broadcast(F, a4[p]);
            s40 = w.fma(x0, s40); s41 = w.fma(x1, s41); s42 = w.fma(x2, s42);
            w = FloatVector.broadcast(F, a5[p]);
            s50 = w.fma(x0, s50); s51 = w.fma(x1, s51); s52 = w.fma(x2, s52);
            w = FloatVector.broadcast(F, a6[p]);
            s60 = w.fma(x0, s60); s61 = w.fma(x1, s61); s62 = w.fma(x2, s62);
            w = FloatVector.broadcast(F, a7[p]);
            s70 = w.fma(x0, s70); s71 = w.fma(x1, s71); s72 = w.fma(x2, s72);
        }
        s00.intoArray(c, c0); s01.intoArray(c, c0 + L); s02.intoArray(c, c0 + 2 * L);
        s10.intoArray(c, c1); s11.intoArray(c, c1 + L); s12.intoArray(c, c1 + 2 * L);
        s20.intoArray(c, c2); s21.intoArray(c, c2 + L); s22.intoArray(c, c2 + 2 * L);
        s30.intoArray(c, c3); s31.intoArray(c, c3 + L); s32.intoArray(c, c3 + 2 * L);
        s40.intoArray(c, c4); s41.intoArray(c, c4 + L); s42.intoArray(c, c4 + 2 * L);
        s50.intoArray(c, c5); s51.intoArray(c, c5 + L); s52.intoArray(c, c5 + 2 * L);
        s60.intoArray(c, c6); s61.intoArray(c, c6 + L); s62.intoArray(c, c6 + 2 * L);
        s70.intoArray(c, c7); s71.intoArray(c, c7 + L); s72.intoArray(c, c7 + 2 * L);
    }

    /** One row × a tile of three token groups (rows left over from eights). */
    private static void kernel1x3(float[] a, float[] xt, float[] c, int c0, int p0, int p1, boolean acc) {
        FloatVector z = FloatVector.zero(F);
        FloatVector s0 = acc ? FloatVector.fromArray(F, c, c0) : z, s1 = acc ? FloatVector.fromArray(F, c, c0 + L) : z;
        FloatVector s2 = acc ? FloatVector.fromArray(F, c, c0 + 2 * L) : z;
        for (int p = p0; p < p1; p++) {
            FloatVector w = FloatVector.broadcast(F, a[p]);
            int xo = p * 3 * L;
            s0 = w.fma(FloatVector.fromArray(F, xt, xo), s0);
            s1 = w.fma(FloatVector.fromArray(F, xt, xo + L), s1);
            s2 = w.fma(FloatVector.fromArray(F, xt, xo + 2 * L), s2);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + L);
        s2.intoArray(c, c0 + 2 * L);
    }

    /**
     * Eight rows from {@code r} × a tile of one token group: eight independent FMA chains (six left the FMA latency
     * exposed) and eight broadcasts per eight FMAs, which the three load ports take. Against six rows, alternating:
     * this GEMM alone at 16 tokens 135 → 146 GFLOP/s median, tinyllama-shape Q4_0 pp16 61-62 → 73 tok/s.
     */
    private static void kernel8x1(float[][] panel, int r, float[] xt, float[] c, int c0, int stride, int p0, int p1,
                                  boolean acc) {
        float[] a0 = panel[r], a1 = panel[r + 1], a2 = panel[r + 2], a3 = panel[r + 3];
        float[] a4 = panel[r + 4], a5 = panel[r + 5], a6 = panel[r + 6], a7 = panel[r + 7];
        FloatVector z = FloatVector.zero(F);
        FloatVector s0 = acc ? FloatVector.fromArray(F, c, c0) : z, s1 = acc ? FloatVector.fromArray(F, c, c0 + stride) : z;
        FloatVector s2 = acc ? FloatVector.fromArray(F, c, c0 + 2 * stride) : z, s3 = acc ? FloatVector.fromArray(F, c, c0 + 3 * stride) : z;
        FloatVector s4 = acc ? FloatVector.fromArray(F, c, c0 + 4 * stride) : z, s5 = acc ? FloatVector.fromArray(F, c, c0 + 5 * stride) : z;
        FloatVector s6 = acc ? FloatVector.fromArray(F, c, c0 + 6 * stride) : z, s7 = acc ? FloatVector.fromArray(F, c, c0 + 7 * stride) : z;
        for (int p = p0; p < p1; p++) {
            FloatVector x = FloatVector.fromArray(F, xt, p * L);
            s0 = FloatVector.broadcast(F, a0[p]).fma(x, s0);
            s1 = FloatVector.broadcast(F, a1[p]).fma(x, s1);
            s2 = FloatVector.broadcast(F, a2[p]).fma(x, s2);
            s3 = FloatVector.broadcast(F, a3[p]).fma(x, s3);
            s4 = FloatVector.broadcast(F, a4[p]).fma(x, s4);
            s5 = FloatVector.broadcast(F, a5[p]).fma(x, s5);
            s6 = FloatVector.broadcast(F, a6[p]).fma(x, s6);
            s7 = FloatVector.broadcast(F, a7[p]).fma(x, s7);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + stride);
        s2.intoArray(c, c0 + 2 * stride);
        s3.intoArray(c, c0 + 3 * stride);
        s4.intoArray(c, c0 + 4 * stride);
        s5.intoArray(c, c0 + 5 * stride);
        s6.intoArray(c, c0 + 6 * stride);
        s7.intoArray(c, c0 + 7 * stride);
    }

    /**
     * Eight rows from {@code r} × a tile of two token groups: 16 accumulators, 8 broadcasts and 2 loads per 16 FMAs.
     * Against six rows × two groups, this GEMM alone on a 48×2048 panel, median:
     * 32 tokens 130-135 → 185-193 GFLOP/s, 48 tokens 130-141 → 163-170.
     */
    private static void kernel8x2(float[][] panel, int r, float[] xt, float[] c, int c0, int stride, int p0, int p1,
                                  boolean acc) {
        float[] a0 = panel[r], a1 = panel[r + 1], a2 = panel[r + 2], a3 = panel[r + 3];
        float[] a4 = panel[r + 4], a5 = panel[r + 5], a6 = panel[r + 6], a7 = panel[r + 7];
        int c1 = c0 + stride, c2 = c1 + stride, c3 = c2 + stride, c4 = c3 + stride, c5 = c4 + stride, c6 = c5 + stride, c7 = c6 + stride;
        FloatVector z = FloatVector.zero(F);
        FloatVector s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z;
        FloatVector s40 = z, s41 = z, s50 = z, s51 = z, s60 = z, s61 = z, s70 = z, s71 = z;
        if (acc) {
            s00 = FloatVector.fromArray(F, c, c0); s01 = FloatVector.fromArray(F, c, c0 + L);
            s10 = FloatVector.fromArray(F, c, c1); s11 = FloatVector.fromArray(F, c, c1 + L);
            s20 = FloatVector.fromArray(F, c, c2); s21 = FloatVector.fromArray(F, c, c2 + L);
            s30 = FloatVector.fromArray(F, c, c3); s31 = FloatVector.fromArray(F, c, c3 + L);
            s40 = FloatVector.fromArray(F, c, c4); s41 = FloatVector.fromArray(F, c, c4 + L);
            s50 = FloatVector.fromArray(F, c, c5); s51 = FloatVector.fromArray(F, c, c5 + L);
            s60 = FloatVector.fromArray(F, c, c6); s61 = FloatVector.fromArray(F, c, c6 + L);
            s70 = FloatVector.fromArray(F, c, c7); s71 = FloatVector.fromArray(F, c, c7 + L);
        }
        for (int p = p0; p < p1; p++) {
            int xo = p * 2 * L;
            FloatVector x0 = FloatVector.fromArray(F, xt, xo), x1 = FloatVector.fromArray(F, xt, xo + L);
            FloatVector w = FloatVector.broadcast(F, a0[p]);
            s00 = w.fma(x0, s00); s01 = w.fma(x1, s01);
            w = FloatVector.broadcast(F, a1[p]);
            s10 = w.fma(x0, s10); s11 = w.fma(x1, s11);
            w = FloatVector.broadcast(F, a2[p]);
            s20 = w.fma(x0, s20); s21 = w.fma(x1, s21);
            w = FloatVector.broadcast(F, a3[p]);
            s30 = w.fma(x0, s30); s31 = w.fma(x1, s31);
            w = FloatVector.broadcast(F, a4[p]);
            s40 = w.fma(x0, s40); s41 = w.fma(x1, s41);
            w = FloatVector.broadcast(F, a5[p]);
            s50 = w.fma(x0, s50); s51 = w.fma(x1, s51);
            w = FloatVector.broadcast(F, a6[p]);
            s60 = w.fma(x0, s60); s61 = w.fma(x1, s61);
            w = FloatVector.broadcast(F, a7[p]);
            s70 = w.fma(x0, s70); s71 = w.fma(x1, s71);
        }
        s00.intoArray(c, c0); s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1); s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2); s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3); s31.intoArray(c, c3 + L);
        s40.intoArray(c, c4); s41.intoArray(c, c4 + L);
        s50.intoArray(c, c5); s51.intoArray(c, c5 + L);
        s60.intoArray(c, c6); s61.intoArray(c, c6 + L);
        s70.intoArray(c, c7); s71.intoArray(c, c7 + L);
    }

    /** One row × a tile of two token groups. */
    private static void kernel1x2(float[] a, float[] xt, float[] c, int c0, int p0, int p1, boolean acc) {
        FloatVector s0 = acc ? FloatVector.fromArray(F, c, c0) : FloatVector.zero(F);
        FloatVector s1 = acc ? FloatVector.fromArray(F, c, c0 + L) : FloatVector.zero(F);
        for (int p = p0; p < p1; p++) {
            FloatVector w = FloatVector.broadcast(F, a[p]);
            s0 = w.fma(FloatVector.fromArray(F, xt, p * 2 * L), s0);
            s1 = w.fma(FloatVector.fromArray(F, xt, p * 2 * L + L), s1);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + L);
    }

    /** One row × a tile of one token group. */
    private static void kernel1x1(float[] a, float[] xt, float[] c, int c0, int p0, int p1, boolean acc) {
        FloatVector s = acc ? FloatVector.fromArray(F, c, c0) : FloatVector.zero(F);
        for (int p = p0; p < p1; p++) s = FloatVector.broadcast(F, a[p]).fma(FloatVector.fromArray(F, xt, p * L), s);
        s.intoArray(c, c0);
    }
}
