package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * F32 weights (little-endian): plain FMA over float lanes. Activations stay float (nothing to gain from
 * int8: F32 decode is bound by the 4 bytes/weight of memory traffic).
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Measured decode 5632×2048, 1 thread,
 * MatmulProbe best: 40.5 GB/s of weights (JMH tables: bench/kernel-benchmarks.md).
 */
public final class F32Kernel extends PlainFloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public F32Kernel() {
        super(DType.F32);
    }

    /** The scalar reference decoder: one little-endian float. */
    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        dst[dstOff] = w.get(Halfs.LE_FLOAT, off);
    }

    /** Two accumulators (even/odd vectors) so consecutive FMAs do not wait on each other. */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), odd = acc;
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            acc = FloatVector.fromMemorySegment(F, w, rowOff + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), acc);
            odd = FloatVector.fromMemorySegment(F, w, rowOff + 4L * (i + L), LE).fma(FloatVector.fromArray(F, x, xOff + i + L), odd);
        }
        if (i + L <= cols) {
            acc = FloatVector.fromMemorySegment(F, w, rowOff + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), acc);
            i += L;
        }
        float sum = KernelSpecies.sum(acc.add(odd));
        for (; i < cols; i++) sum += w.get(Halfs.LE_FLOAT, rowOff + 4L * i) * x[xOff + i];
        return sum;
    }

    /**
     * Four adjacent rows at a time: an F32 row of 2048 columns spans two pages, so adjacent rows are already
     * separate prefetch streams, and they keep DRAM pages open. Whole decode, tinyllama shape, 2 threads, tg32:
     * 6.7-6.8 tok/s against 6.5 with 4 and 6.4 with 8 segments far apart ({@link RowStreams}).
     */
    @Override
    int rowStreams() {
        return 1;
    }

    /**
     * Four rows streamed together, each with {@link #dot1}'s two accumulators and order (bit-identical results):
     * four independent read streams keep more cache-line fills in flight than one. Measured on this 2-core Xeon,
     * weights far larger than cache: 25.8 against 21.4 GB/s on 2 threads in a standalone probe.
     */
    @Override
    void dot1Rows4(MemorySegment w, long rowOff, long rowStride, int cols, PreparedInput in, float[] out, int r,
                   int outStride) {
        float[] x = in.floats();
        long r0 = rowOff, r1 = r0 + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, o0 = a0, o1 = a0, o2 = a0, o3 = a0;
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            FloatVector xe = FloatVector.fromArray(F, x, i), xo = FloatVector.fromArray(F, x, i + L);
            long e = 4L * i, o = 4L * (i + L);
            a0 = FloatVector.fromMemorySegment(F, w, r0 + e, LE).fma(xe, a0);
            a1 = FloatVector.fromMemorySegment(F, w, r1 + e, LE).fma(xe, a1);
            a2 = FloatVector.fromMemorySegment(F, w, r2 + e, LE).fma(xe, a2);
            a3 = FloatVector.fromMemorySegment(F, w, r3 + e, LE).fma(xe, a3);
            o0 = FloatVector.fromMemorySegment(F, w, r0 + o, LE).fma(xo, o0);
            o1 = FloatVector.fromMemorySegment(F, w, r1 + o, LE).fma(xo, o1);
            o2 = FloatVector.fromMemorySegment(F, w, r2 + o, LE).fma(xo, o2);
            o3 = FloatVector.fromMemorySegment(F, w, r3 + o, LE).fma(xo, o3);
        }
        if (i + L <= cols) {
            FloatVector xe = FloatVector.fromArray(F, x, i);
            long e = 4L * i;
            a0 = FloatVector.fromMemorySegment(F, w, r0 + e, LE).fma(xe, a0);
            a1 = FloatVector.fromMemorySegment(F, w, r1 + e, LE).fma(xe, a1);
            a2 = FloatVector.fromMemorySegment(F, w, r2 + e, LE).fma(xe, a2);
            a3 = FloatVector.fromMemorySegment(F, w, r3 + e, LE).fma(xe, a3);
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
            s0 += w.get(Halfs.LE_FLOAT, r0 + 4L * i) * x[i];
            s1 += w.get(Halfs.LE_FLOAT, r1 + 4L * i) * x[i];
            s2 += w.get(Halfs.LE_FLOAT, r2 + 4L * i) * x[i];
            s3 += w.get(Halfs.LE_FLOAT, r3 + 4L * i) * x[i];
        }
        out[r] = s0;
        out[r + outStride] = s1;
        out[r + 2 * outStride] = s2;
        out[r + 3 * outStride] = s3;
    }

    /** Same per-token order as {@link #dot1}, so results match it bit for bit. */
    @Override
    void dot4(MemorySegment w, long rowOff, int cols, float[] x, int xOff, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, o0 = a0, o1 = a0, o2 = a0, o3 = a0;
        int x1 = xOff + cols, x2 = x1 + cols, x3 = x2 + cols;
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            FloatVector wv = FloatVector.fromMemorySegment(F, w, rowOff + 4L * i, LE);
            a0 = wv.fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
            int j = i + L;
            FloatVector wo = FloatVector.fromMemorySegment(F, w, rowOff + 4L * j, LE);
            o0 = wo.fma(FloatVector.fromArray(F, x, xOff + j), o0);
            o1 = wo.fma(FloatVector.fromArray(F, x, x1 + j), o1);
            o2 = wo.fma(FloatVector.fromArray(F, x, x2 + j), o2);
            o3 = wo.fma(FloatVector.fromArray(F, x, x3 + j), o3);
        }
        if (i + L <= cols) {
            FloatVector wv = FloatVector.fromMemorySegment(F, w, rowOff + 4L * i, LE);
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
            float wi = w.get(Halfs.LE_FLOAT, rowOff + 4L * i);
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

    @Override
    void decodeRow(MemorySegment w, long rowOff, int cols, float[] dst, int dstOff) {
        MemorySegment.copy(w, Halfs.LE_FLOAT, rowOff, dst, dstOff, cols);
    }
}
