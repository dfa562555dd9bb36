package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * IEEE half weights (little-endian), widened to floats a row at a time (exact, Inf/NaN preserved) and FMA'd
 * with float activations.
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Figures in {@link #widened}.
 */
public final class F16Kernel extends PlainFloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public F16Kernel() {
        super(DType.F16);
    }

    /** The scalar reference decoder: one 16-bit float. */
    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        dst[dstOff] = Halfs.half(w, off);
    }

    /** Per-thread rows of widened weights, grown to the most seen. */
    private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * The row as floats, in this thread's scratch array. Widening a whole row first with the loop in
     * {@link #decodeRow} (hardware conversions) and then multiplying from L1 measured faster than widening
     * lane by lane with integer bit moves (about 11 vector ops per 16 weights). MatmulProbe best, weights far
     * larger than cache: 7.8 against 6.4 GB/s on 1 thread, 12.8 against 10.6 on 2 (16.9 GB/s for 5632×2048 in
     * cache). Both give the same floats, so the sums are unchanged.
     */
    private float[] widened(MemorySegment w, long rowOff, int cols) {
        float[] r = scratch(cols);
        decodeRow(w, rowOff, cols, r, 0);
        return r;
    }

    /** This thread's scratch array, at least {@code size} floats. */
    private static float[] scratch(int size) {
        float[][] holder = ROW.get();
        if (holder[0].length < size) holder[0] = new float[size];
        return holder[0];
    }

    /** Columns widened per row before multiplying: four rows of them (8 KiB) stay in L1 beside x. */
    private static final int CHUNK = 512;

    /**
     * Four rows widened into scratch {@link #CHUNK} columns at a time, then multiplied together with
     * {@link #dot1}'s accumulators and order per row (bit-identical results: chunks are whole vector pairs),
     * sharing the activation loads. Four rows at once: tinyllama-shape tg32 5.45-6.31 against 4.97-5.40 tok/s
     * for row-at-a-time. Chunked: four whole 5632-column rows (90 KiB) spilled out of L1; in a probe on the
     * 2-vCPU Xeon, 128×5632 in cache ran 12.4-12.8 against 9.8-10.7 GB/s (2048 columns: no change).
     */
    @Override
    void dot1Rows4(MemorySegment w, long rowOff, long rowStride, int cols, PreparedInput in, float[] out, int r,
                   int outStride) {
        float[] x = in.floats();
        float[] m = scratch(4 * CHUNK);
        int m1 = CHUNK, m2 = 2 * CHUNK, m3 = 3 * CHUNK;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, o0 = a0, o1 = a0, o2 = a0, o3 = a0;
        int c = 0, j = 0;
        for (; c < cols; c += CHUNK) {
            int n = Math.min(CHUNK, cols - c);
            widen4(w, rowOff + 2L * c, rowStride, n, m);
            for (j = 0; j + 2 * L <= n; j += 2 * L) {
                FloatVector xe = FloatVector.fromArray(F, x, c + j), xo = FloatVector.fromArray(F, x, c + j + L);
                a0 = FloatVector.fromArray(F, m, j).fma(xe, a0);
                a1 = FloatVector.fromArray(F, m, m1 + j).fma(xe, a1);
                a2 = FloatVector.fromArray(F, m, m2 + j).fma(xe, a2);
                a3 = FloatVector.fromArray(F, m, m3 + j).fma(xe, a3);
                o0 = FloatVector.fromArray(F, m, j + L).fma(xo, o0);
                o1 = FloatVector.fromArray(F, m, m1 + j + L).fma(xo, o1);
                o2 = FloatVector.fromArray(F, m, m2 + j + L).fma(xo, o2);
                o3 = FloatVector.fromArray(F, m, m3 + j + L).fma(xo, o3);
            }
        }
        // the last chunk (starting at c - CHUNK) may end in less than a vector pair: dot1's tail, in scratch
        c -= CHUNK;
        int n = cols - c;
        if (j + L <= n) {
            FloatVector xe = FloatVector.fromArray(F, x, c + j);
            a0 = FloatVector.fromArray(F, m, j).fma(xe, a0);
            a1 = FloatVector.fromArray(F, m, m1 + j).fma(xe, a1);
            a2 = FloatVector.fromArray(F, m, m2 + j).fma(xe, a2);
            a3 = FloatVector.fromArray(F, m, m3 + j).fma(xe, a3);
            j += L;
        }
        float s0, s1, s2, s3;
        if (L == 16) {
            // four sums at once, in sum's order (see KernelSpecies.LOW_8): lanes 0, 4, 8, 12
            FloatVector v0 = a0.add(o0), v1 = a1.add(o1), v2 = a2.add(o2), v3 = a3.add(o3);
            FloatVector sh = KernelSpecies.LOW_8.selectFrom(v0, v1).add(KernelSpecies.HIGH_8.selectFrom(v0, v1));
            FloatVector sk = KernelSpecies.LOW_8.selectFrom(v2, v3).add(KernelSpecies.HIGH_8.selectFrom(v2, v3));
            FloatVector sq = KernelSpecies.LOW_4.selectFrom(sh, sk).add(KernelSpecies.HIGH_4.selectFrom(sh, sk));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_2));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_1));
            s0 = sq.lane(0);
            s1 = sq.lane(4);
            s2 = sq.lane(8);
            s3 = sq.lane(12);
        } else {
            s0 = KernelSpecies.sum(a0.add(o0));
            s1 = KernelSpecies.sum(a1.add(o1));
            s2 = KernelSpecies.sum(a2.add(o2));
            s3 = KernelSpecies.sum(a3.add(o3));
        }
        for (; j < n; j++) {
            float xi = x[c + j];
            s0 += m[j] * xi;
            s1 += m[m1 + j] * xi;
            s2 += m[m2 + j] * xi;
            s3 += m[m3 + j] * xi;
        }
        out[r] = s0;
        out[r + outStride] = s1;
        out[r + 2 * outStride] = s2;
        out[r + 3 * outStride] = s3;
    }

    /**
     * n halves from each of four rows {@code stride} bytes apart into {@code m[k * CHUNK ..]}, in one loop so the
     * four rows are read side by side (C2 vectorizes it like {@link #decodeRow}). Against four decodeRow calls,
     * 1 thread, MatmulProbe best: 512×2048 in cache 75-84 against 89-93 µs, over a 2.2 GB file 11.1-11.5 against
     * 10.1-10.5 GB/s; tinyllama-shape tg32 on 2 threads unchanged (7.6-8.2 against 7.9-8.0 tok/s).
     */
    private static void widen4(MemorySegment w, long off, long stride, int n, float[] m) {
        long o1 = off + stride, o2 = o1 + stride, o3 = o2 + stride;
        for (int i = 0; i < n; i++) {
            m[i] = Float.float16ToFloat(w.get(Halfs.LE_SHORT, off + 2L * i));
            m[CHUNK + i] = Float.float16ToFloat(w.get(Halfs.LE_SHORT, o1 + 2L * i));
            m[2 * CHUNK + i] = Float.float16ToFloat(w.get(Halfs.LE_SHORT, o2 + 2L * i));
            m[3 * CHUNK + i] = Float.float16ToFloat(w.get(Halfs.LE_SHORT, o3 + 2L * i));
        }
    }

    /** Two accumulators (even/odd vectors) so consecutive FMAs do not wait on each other. */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, float[] x, int xOff) {
        float[] r = widened(w, rowOff, cols);
        FloatVector acc = FloatVector.zero(F), odd = acc;
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            acc = FloatVector.fromArray(F, r, i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
            odd = FloatVector.fromArray(F, r, i + L).fma(FloatVector.fromArray(F, x, xOff + i + L), odd);
        }
        if (i + L <= cols) {
            acc = FloatVector.fromArray(F, r, i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
            i += L;
        }
        float sum = KernelSpecies.sum(acc.add(odd));
        for (; i < cols; i++) sum += r[i] * x[xOff + i];
        return sum;
    }

    /** Same per-token order as {@link #dot1}, so results match it bit for bit. */
    @Override
    void dot4(MemorySegment w, long rowOff, int cols, float[] x, int xOff, float[] out, int outOff, int outStride) {
        float[] r = widened(w, rowOff, cols);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, o0 = a0, o1 = a0, o2 = a0, o3 = a0;
        int x1 = xOff + cols, x2 = x1 + cols, x3 = x2 + cols;
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            FloatVector wv = FloatVector.fromArray(F, r, i);
            a0 = wv.fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
            int j = i + L;
            FloatVector wo = FloatVector.fromArray(F, r, j);
            o0 = wo.fma(FloatVector.fromArray(F, x, xOff + j), o0);
            o1 = wo.fma(FloatVector.fromArray(F, x, x1 + j), o1);
            o2 = wo.fma(FloatVector.fromArray(F, x, x2 + j), o2);
            o3 = wo.fma(FloatVector.fromArray(F, x, x3 + j), o3);
        }
        if (i + L <= cols) {
            FloatVector wv = FloatVector.fromArray(F, r, i);
            a0 = wv.fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
            i += L;
        }
        float s0, s1, s2, s3;
        if (L == 16) {
            // four sums at once, in sum's order (see KernelSpecies.LOW_8): lanes 0, 4, 8, 12
            FloatVector v0 = a0.add(o0), v1 = a1.add(o1), v2 = a2.add(o2), v3 = a3.add(o3);
            FloatVector sh = KernelSpecies.LOW_8.selectFrom(v0, v1).add(KernelSpecies.HIGH_8.selectFrom(v0, v1));
            FloatVector sk = KernelSpecies.LOW_8.selectFrom(v2, v3).add(KernelSpecies.HIGH_8.selectFrom(v2, v3));
            FloatVector sq = KernelSpecies.LOW_4.selectFrom(sh, sk).add(KernelSpecies.HIGH_4.selectFrom(sh, sk));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_2));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_1));
            s0 = sq.lane(0);
            s1 = sq.lane(4);
            s2 = sq.lane(8);
            s3 = sq.lane(12);
        } else {
            s0 = KernelSpecies.sum(a0.add(o0));
            s1 = KernelSpecies.sum(a1.add(o1));
            s2 = KernelSpecies.sum(a2.add(o2));
            s3 = KernelSpecies.sum(a3.add(o3));
        }
        for (; i < cols; i++) {
            float wi = r[i];
            s0 += wi * x[xOff + i];
            s1 += wi * x[x1 + i];
            s2 += wi * x[x2 + i];
            s3 += wi * x[x3 + i];
        }
        out[outOff] = s0;
        out[outOff + outStride] = s1;
        out[outOff + 2 * outStride] = s2;
        out[outOff + 3 * outStride] = s3;
    }

    @Override
    void decodeBlock(MemorySegment w, long off, float[] dst, int dstOff) {
        decodeScalar(w, off, dst, dstOff);
    }

    /**
     * A row for the prefill panels: C2 auto-vectorizes this loop into hardware half-to-float conversions
     * (vcvtph2ps), 17 G elements/s from a segment on one core here.
     */
    @Override
    void decodeRow(MemorySegment w, long rowOff, int cols, float[] dst, int dstOff) {
        for (int i = 0; i < cols; i++) dst[dstOff + i] = Float.float16ToFloat(w.get(Halfs.LE_SHORT, rowOff + 2L * i));
    }
}
