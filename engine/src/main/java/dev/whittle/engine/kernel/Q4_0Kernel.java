package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.whittle.engine.kernel.KernelSpecies.loadBytes;
import static dev.whittle.engine.kernel.KernelSpecies.intsToFloats;
import static dev.whittle.engine.kernel.KernelSpecies.toInts;

/**
 * Q4_0 weights: blocks of 32, {@code f16 d; u8 qs[16]}; element j is {@code d * ((qs[j] & 15) - 8)} and
 * element j + 16 is {@code d * ((qs[j] >> 4) - 8)}. Nibbles are split and re-centred on byte lanes, widened
 * to float lanes, scaled by d and FMA'd with float activations.
 * <p>Choice: float decode (int8 variant within noise: see Kernels). Measured decode 5632×2048, 1 thread,
 * MatmulProbe best: 10.3-12.2 GB/s (base 8.1 in the same run, ×1.3-1.5; 2 threads 13.2 vs 9.6) of weights (JMH tables: bench/kernel-benchmarks.md).
 */
public final class Q4_0Kernel extends FloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;

    public Q4_0Kernel() {
        super(DType.Q4_0);
    }

    /** Scalar reference: decodes the block at {@code off} into {@code dst[dstOff ..]} exactly as the format defines it. */
    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        float d = Halfs.half(w, off);
        for (int j = 0; j < 16; j++) {
            int q = w.get(ValueLayout.JAVA_BYTE, off + 2 + j) & 0xFF;
            dst[dstOff + j] = d * ((q & 15) - 8);
            dst[dstOff + j + 16] = d * ((q >> 4) - 8);
        }
    }

    /**
     * Unscaled sum of q·x over the block at {@code bo}: the L bytes are loaded once and widened to int lanes,
     * where splitting the nibbles is native (x86 has no byte shifts), then converted to floats. The block
     * scale is applied once per block by the caller, not once per lane.
     */
    private static FloatVector blockSum(MemorySegment w, long bo, float[] x, int xb) {
        FloatVector s = FloatVector.zero(F);
        for (int p = 0; p < 16; p += L) {
            IntVector q = toInts(loadBytes(w, bo + 2 + p));
            s = intsToFloats(q.and(15).sub(8)).fma(FloatVector.fromArray(F, x, xb + p), s);
            s = intsToFloats(q.lanewise(VectorOperators.ASHR, 4).and(15).sub(8)).fma(FloatVector.fromArray(F, x, xb + 16 + p), s);
        }
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
            for (int p = 0; p < 16; p += L) {
                IntVector q = toInts(loadBytes(w, bo + 2 + p));
                FloatVector lo = intsToFloats(q.and(15).sub(8));
                FloatVector hi = intsToFloats(q.lanewise(VectorOperators.ASHR, 4).and(15).sub(8));
                int xl = xb + p, xh = xb + 16 + p;
                s0 = lo.fma(FloatVector.fromArray(F, x, xl), s0);
                s1 = lo.fma(FloatVector.fromArray(F, x, xl + cols), s1);
                s2 = lo.fma(FloatVector.fromArray(F, x, xl + 2 * cols), s2);
                s3 = lo.fma(FloatVector.fromArray(F, x, xl + 3 * cols), s3);
                s0 = hi.fma(FloatVector.fromArray(F, x, xh), s0);
                s1 = hi.fma(FloatVector.fromArray(F, x, xh + cols), s1);
                s2 = hi.fma(FloatVector.fromArray(F, x, xh + 2 * cols), s2);
                s3 = hi.fma(FloatVector.fromArray(F, x, xh + 3 * cols), s3);
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
        out[outOff] = KernelSpecies.sum(a0.add(o0));
        out[outOff + outStride] = KernelSpecies.sum(a1.add(o1));
        out[outOff + 2 * outStride] = KernelSpecies.sum(a2.add(o2));
        out[outOff + 3 * outStride] = KernelSpecies.sum(a3.add(o3));
    }
}
