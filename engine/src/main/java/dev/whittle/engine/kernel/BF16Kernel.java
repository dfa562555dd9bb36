package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * bfloat16 weights (little-endian): the 16 bits become the top half of a float, then FMA with float activations.
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Measured decode 5632×2048, 1 thread,
 * MatmulProbe best: 41.6 GB/s of weights (JMH tables: bench/kernel-benchmarks.md).
 * <p>Four rows at once ({@link #dot1Rows4}) on the 2-vCPU Xeon, 1 thread, MatmulProbe best: 512×2048 in cache
 * 48-51 against 59-62 µs; over a 2.2 GB file 12.5 against 8.9-9.5 GB/s.
 */
public final class BF16Kernel extends PlainFloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public BF16Kernel() {
        super(DType.BF16);
    }

    /** The scalar reference decoder: one 16-bit float. */
    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        dst[dstOff] = Halfs.bf16(w, off);
    }

    /** Two accumulators (even/odd vectors) so consecutive FMAs do not wait on each other. */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), odd = acc;
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            acc = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, rowOff + 2L * i, LE)).fma(FloatVector.fromArray(F, x, xOff + i), acc);
            odd = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, rowOff + 2L * (i + L), LE)).fma(FloatVector.fromArray(F, x, xOff + i + L), odd);
        }
        if (i + L <= cols) {
            acc = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, rowOff + 2L * i, LE)).fma(FloatVector.fromArray(F, x, xOff + i), acc);
            i += L;
        }
        float sum = KernelSpecies.sum(acc.add(odd));
        for (; i < cols; i++) sum += Halfs.bf16(w, rowOff + 2L * i) * x[xOff + i];
        return sum;
    }

    /**
     * Four rows read together, sharing the activation loads, each with {@link #dot1}'s accumulators and order
     * (bit-identical results).
     */
    @Override
    void dot1Rows4(MemorySegment w, long rowOff, long rowStride, int cols, PreparedInput in, float[] out, int r,
                   int outStride) {
        float[] x = in.floats();
        long r0 = rowOff, r1 = r0 + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, o0 = a0, o1 = a0, o2 = a0, o3 = a0;
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            FloatVector xa = FloatVector.fromArray(F, x, i), xo = FloatVector.fromArray(F, x, i + L);
            long ba = 2L * i, bo = 2L * (i + L);
            a0 = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, r0 + ba, LE)).fma(xa, a0);
            a1 = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, r1 + ba, LE)).fma(xa, a1);
            a2 = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, r2 + ba, LE)).fma(xa, a2);
            a3 = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, r3 + ba, LE)).fma(xa, a3);
            o0 = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, r0 + bo, LE)).fma(xo, o0);
            o1 = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, r1 + bo, LE)).fma(xo, o1);
            o2 = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, r2 + bo, LE)).fma(xo, o2);
            o3 = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, r3 + bo, LE)).fma(xo, o3);
        }
        if (i + L <= cols) {
            FloatVector xa = FloatVector.fromArray(F, x, i);
            long ba = 2L * i;
            a0 = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, r0 + ba, LE)).fma(xa, a0);
            a1 = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, r1 + ba, LE)).fma(xa, a1);
            a2 = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, r2 + ba, LE)).fma(xa, a2);
            a3 = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, r3 + ba, LE)).fma(xa, a3);
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
            float xi = x[i];
            s0 += Halfs.bf16(w, r0 + 2L * i) * xi;
            s1 += Halfs.bf16(w, r1 + 2L * i) * xi;
            s2 += Halfs.bf16(w, r2 + 2L * i) * xi;
            s3 += Halfs.bf16(w, r3 + 2L * i) * xi;
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
            FloatVector wv = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, rowOff + 2L * i, LE));
            a0 = wv.fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
            int j = i + L;
            FloatVector wo = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, rowOff + 2L * j, LE));
            o0 = wo.fma(FloatVector.fromArray(F, x, xOff + j), o0);
            o1 = wo.fma(FloatVector.fromArray(F, x, x1 + j), o1);
            o2 = wo.fma(FloatVector.fromArray(F, x, x2 + j), o2);
            o3 = wo.fma(FloatVector.fromArray(F, x, x3 + j), o3);
        }
        if (i + L <= cols) {
            FloatVector wv = Halfs.bf16ToFloat(ShortVector.fromMemorySegment(KernelSpecies.S, w, rowOff + 2L * i, LE));
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
            float wi = Halfs.bf16(w, rowOff + 2L * i);
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

    /** A row for the prefill panels: a plain loop C2 vectorizes (each bfloat16 is the top half of a float). */
    @Override
    void decodeRow(MemorySegment w, long rowOff, int cols, float[] dst, int dstOff) {
        for (int i = 0; i < cols; i++) dst[dstOff + i] = Float.intBitsToFloat(w.get(Halfs.LE_SHORT, rowOff + 2L * i) << 16);
    }
}
