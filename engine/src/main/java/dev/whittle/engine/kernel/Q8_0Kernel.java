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
 * MatmulProbe best: 18.9 GB/s of weights (JMH tables: bench/kernel-benchmarks.md).
 */
public final class Q8_0Kernel extends FloatRowKernel {
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

    /** Even blocks accumulate into one register, odd blocks into another: two FMA chains hide FMA latency. */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), odd = acc;
        int blocks = cols / BLOCK;
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            {
                long bo = rowOff + (long) (b) * BLOCK_BYTES;
                int xb = xOff + (b) * BLOCK;
                float d = Halfs.half(w, bo);
                for (int p = 0; p < 32; p += L) {
                    FloatVector wv = toFloats(loadBytes(w, bo + 2 + p)).mul(d);
                    acc = wv.fma(FloatVector.fromArray(F, x, xb + p), acc);
                }

            }
            {
                long bo = rowOff + (long) (b + 1) * BLOCK_BYTES;
                int xb = xOff + (b + 1) * BLOCK;
                float d = Halfs.half(w, bo);
                for (int p = 0; p < 32; p += L) {
                    FloatVector wv = toFloats(loadBytes(w, bo + 2 + p)).mul(d);
                    odd = wv.fma(FloatVector.fromArray(F, x, xb + p), odd);
                }

            }
        }
        if (b < blocks) {
            {
                long bo = rowOff + (long) (b) * BLOCK_BYTES;
                int xb = xOff + (b) * BLOCK;
                float d = Halfs.half(w, bo);
                for (int p = 0; p < 32; p += L) {
                    FloatVector wv = toFloats(loadBytes(w, bo + 2 + p)).mul(d);
                    acc = wv.fma(FloatVector.fromArray(F, x, xb + p), acc);
                }

            }
        }
        return acc.add(odd).reduceLanes(VectorOperators.ADD);
    }

    /** Same per-token order as {@link #dot1} (even/odd block accumulators), so results match it bit for bit. */
    @Override
    void dot4(MemorySegment w, long rowOff, int cols, float[] x, int xOff, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, o0 = a0, o1 = a0, o2 = a0, o3 = a0;
        int blocks = cols / BLOCK;
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            {
                long bo = rowOff + (long) (b) * BLOCK_BYTES;
                int xb = xOff + (b) * BLOCK;
                float d = Halfs.half(w, bo);
                for (int p = 0; p < 32; p += L) {
                    FloatVector wv = toFloats(loadBytes(w, bo + 2 + p)).mul(d);
                    int xi = xb + p;
                    a0 = wv.fma(FloatVector.fromArray(F, x, xi), a0);
                    a1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), a1);
                    a2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), a2);
                    a3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), a3);
                }

            }
            {
                long bo = rowOff + (long) (b + 1) * BLOCK_BYTES;
                int xb = xOff + (b + 1) * BLOCK;
                float d = Halfs.half(w, bo);
                for (int p = 0; p < 32; p += L) {
                    FloatVector wv = toFloats(loadBytes(w, bo + 2 + p)).mul(d);
                    int xi = xb + p;
                    o0 = wv.fma(FloatVector.fromArray(F, x, xi), o0);
                    o1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), o1);
                    o2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), o2);
                    o3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), o3);
                }

            }
        }
        if (b < blocks) {
            {
                long bo = rowOff + (long) (b) * BLOCK_BYTES;
                int xb = xOff + (b) * BLOCK;
                float d = Halfs.half(w, bo);
                for (int p = 0; p < 32; p += L) {
                    FloatVector wv = toFloats(loadBytes(w, bo + 2 + p)).mul(d);
                    int xi = xb + p;
                    a0 = wv.fma(FloatVector.fromArray(F, x, xi), a0);
                    a1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), a1);
                    a2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), a2);
                    a3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), a3);
                }

            }
        }
        out[outOff] = a0.add(o0).reduceLanes(VectorOperators.ADD);
        out[outOff + outStride] = a1.add(o1).reduceLanes(VectorOperators.ADD);
        out[outOff + 2 * outStride] = a2.add(o2).reduceLanes(VectorOperators.ADD);
        out[outOff + 3 * outStride] = a3.add(o3).reduceLanes(VectorOperators.ADD);
    }
}
