package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.whittle.engine.kernel.KernelSpecies.loadBytes;
import static dev.whittle.engine.kernel.KernelSpecies.toFloats;

/**
 * Q8_0 weights: blocks of 32, {@code f16 d; int8 q[32]}, weight = d * q. Each L-byte piece of quants is
 * widened to float lanes, scaled by d and FMA'd with float activations (see {@link Kernels} for why float
 * and not int8 activations).
 * <p>Choice: float decode (int8 variant measured slower: 649 vs 850 µs decode, 9778 vs 19164 µs prefill-32). Measured decode 5632×2048, 1 thread,
 * MatmulProbe best: 21.4 GB/s (base 19.5 in the same run; 2 threads 28.3 vs 18.5) of weights (JMH tables: bench/kernel-benchmarks.md).
 */
public final class Q8_0Kernel extends PlainFloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;

    public Q8_0Kernel() {
        super(DType.Q8_0);
    }

    /** Scalar reference: decodes the block at {@code off} into {@code dst[dstOff ..]} exactly as the format defines it. */
    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        float d = Halfs.half(w, off);
        for (int j = 0; j < 32; j++) dst[dstOff + j] = d * w.get(ValueLayout.JAVA_BYTE, off + 2 + j);
    }

    /** Unscaled sum of q·x over the block at {@code bo}; the caller applies the block scale once per block. */
    private static FloatVector blockSum(MemorySegment w, long bo, float[] x, int xb) {
        FloatVector s = FloatVector.zero(F);
        for (int p = 0; p < 32; p += L) s = toFloats(loadBytes(w, bo + 2 + p)).fma(FloatVector.fromArray(F, x, xb + p), s);
        return s;
    }

    /** Even blocks accumulate into one register, odd blocks into another: two FMA chains hide FMA latency. */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), odd = acc;
        int blocks = cols / BLOCK;
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            acc = blockSum(w, bo, x, xb).fma(FloatVector.broadcast(F, Halfs.half(w, bo)), acc);
            odd = blockSum(w, bo + BLOCK_BYTES, x, xb + BLOCK).fma(FloatVector.broadcast(F, Halfs.half(w, bo + BLOCK_BYTES)), odd);
        }
        if (b < blocks) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            acc = blockSum(w, bo, x, xOff + b * BLOCK).fma(FloatVector.broadcast(F, Halfs.half(w, bo)), acc);
        }
        return KernelSpecies.sum(acc.add(odd));
    }

    /**
     * Four rows streamed together, each with {@link #dot1}'s block sums and even/odd accumulators (bit-identical
     * results): four read streams keep more cache-line fills in flight than one.
     */
    @Override
    void dot1Rows4(MemorySegment w, long rowOff, long rowStride, int cols, PreparedInput in, float[] out, int r,
                   int outStride) {
        float[] x = in.floats();
        FloatVector z = FloatVector.zero(F);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, o0 = z, o1 = z, o2 = z, o3 = z;
        long r1 = rowStride, r2 = 2 * rowStride, r3 = 3 * rowStride;
        int blocks = cols / BLOCK;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = b * BLOCK;
            FloatVector s0 = z, s1 = z, s2 = z, s3 = z;
            for (int p = 0; p < 32; p += L) {
                FloatVector xv = FloatVector.fromArray(F, x, xb + p);
                long q = bo + 2 + p;
                s0 = toFloats(loadBytes(w, q)).fma(xv, s0);
                s1 = toFloats(loadBytes(w, q + r1)).fma(xv, s1);
                s2 = toFloats(loadBytes(w, q + r2)).fma(xv, s2);
                s3 = toFloats(loadBytes(w, q + r3)).fma(xv, s3);
            }
            FloatVector d0 = FloatVector.broadcast(F, Halfs.half(w, bo)), d1 = FloatVector.broadcast(F, Halfs.half(w, bo + r1));
            FloatVector d2 = FloatVector.broadcast(F, Halfs.half(w, bo + r2)), d3 = FloatVector.broadcast(F, Halfs.half(w, bo + r3));
            if ((b & 1) == 0) {
                a0 = s0.fma(d0, a0);
                a1 = s1.fma(d1, a1);
                a2 = s2.fma(d2, a2);
                a3 = s3.fma(d3, a3);
            } else {
                o0 = s0.fma(d0, o0);
                o1 = s1.fma(d1, o1);
                o2 = s2.fma(d2, o2);
                o3 = s3.fma(d3, o3);
            }
        }
        if (L == 16) {
            // four sums at once, in sum's order (see KernelSpecies.LOW_8): lanes 0, 4, 8, 12
            FloatVector v0 = a0.add(o0), v1 = a1.add(o1), v2 = a2.add(o2), v3 = a3.add(o3);
            FloatVector sh = KernelSpecies.LOW_8.selectFrom(v0, v1).add(KernelSpecies.HIGH_8.selectFrom(v0, v1));
            FloatVector sk = KernelSpecies.LOW_8.selectFrom(v2, v3).add(KernelSpecies.HIGH_8.selectFrom(v2, v3));
            FloatVector sq = KernelSpecies.LOW_4.selectFrom(sh, sk).add(KernelSpecies.HIGH_4.selectFrom(sh, sk));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_2));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_1));
            out[r] = sq.lane(0);
            out[r + outStride] = sq.lane(4);
            out[r + 2 * outStride] = sq.lane(8);
            out[r + 3 * outStride] = sq.lane(12);
        } else {
            out[r] = KernelSpecies.sum(a0.add(o0));
            out[r + outStride] = KernelSpecies.sum(a1.add(o1));
            out[r + 2 * outStride] = KernelSpecies.sum(a2.add(o2));
            out[r + 3 * outStride] = KernelSpecies.sum(a3.add(o3));
        }
    }

    /** Same per-token order as {@link #dot1} (block sums, even/odd block accumulators), so results match it bit for bit. */
    @Override
    void dot4(MemorySegment w, long rowOff, int cols, float[] x, int xOff, float[] out, int outOff, int outStride) {
        FloatVector z = FloatVector.zero(F);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, o0 = z, o1 = z, o2 = z, o3 = z;
        int blocks = cols / BLOCK;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            FloatVector s0 = z, s1 = z, s2 = z, s3 = z;
            for (int p = 0; p < 32; p += L) {
                FloatVector q = toFloats(loadBytes(w, bo + 2 + p));
                int xi = xb + p;
                s0 = q.fma(FloatVector.fromArray(F, x, xi), s0);
                s1 = q.fma(FloatVector.fromArray(F, x, xi + cols), s1);
                s2 = q.fma(FloatVector.fromArray(F, x, xi + 2 * cols), s2);
                s3 = q.fma(FloatVector.fromArray(F, x, xi + 3 * cols), s3);
            }
            FloatVector d = FloatVector.broadcast(F, Halfs.half(w, bo));
            if ((b & 1) == 0) {
                a0 = s0.fma(d, a0);
                a1 = s1.fma(d, a1);
                a2 = s2.fma(d, a2);
                a3 = s3.fma(d, a3);
            } else {
                o0 = s0.fma(d, o0);
                o1 = s1.fma(d, o1);
                o2 = s2.fma(d, o2);
                o3 = s3.fma(d, o3);
            }
        }
        if (L == 16) {
            // four sums at once, in sum's order (see KernelSpecies.LOW_8): lanes 0, 4, 8, 12
            FloatVector t0 = a0.add(o0), t1 = a1.add(o1), t2 = a2.add(o2), t3 = a3.add(o3);
            FloatVector sh = KernelSpecies.LOW_8.selectFrom(t0, t1).add(KernelSpecies.HIGH_8.selectFrom(t0, t1));
            FloatVector sk = KernelSpecies.LOW_8.selectFrom(t2, t3).add(KernelSpecies.HIGH_8.selectFrom(t2, t3));
            FloatVector sq = KernelSpecies.LOW_4.selectFrom(sh, sk).add(KernelSpecies.HIGH_4.selectFrom(sh, sk));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_2));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_1));
            out[outOff] = sq.lane(0);
            out[outOff + outStride] = sq.lane(4);
            out[outOff + 2 * outStride] = sq.lane(8);
            out[outOff + 3 * outStride] = sq.lane(12);
        } else {
            out[outOff] = KernelSpecies.sum(a0.add(o0));
            out[outOff + outStride] = KernelSpecies.sum(a1.add(o1));
            out[outOff + 2 * outStride] = KernelSpecies.sum(a2.add(o2));
            out[outOff + 3 * outStride] = KernelSpecies.sum(a3.add(o3));
        }
    }

    @Override
    void decodeBlock(MemorySegment w, long off, float[] dst, int dstOff) {
        decodeScalar(w, off, dst, dstOff);
    }

    /** Vectorised {@link #decodeScalar} over a row, for prefill panels: the same products, so the same floats. */
    @Override
    void decodeRow(MemorySegment w, long rowOff, int cols, float[] dst, int dstOff) {
        for (int b = 0; b < cols / 32; b++) {
            long bo = rowOff + (long) b * 34;
            FloatVector d = FloatVector.broadcast(F, Halfs.half(w, bo));
            for (int p = 0; p < 32; p += L) toFloats(loadBytes(w, bo + 2 + p)).mul(d).intoArray(dst, dstOff + b * 32 + p);
        }
    }
}
