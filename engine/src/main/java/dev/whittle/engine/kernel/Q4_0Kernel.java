package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.whittle.engine.kernel.KernelSpecies.loadBytes;
import static dev.whittle.engine.kernel.KernelSpecies.toFloats;

/**
 * Q4_0 weights: blocks of 32, {@code f16 d; u8 qs[16]}; element j is {@code d * ((qs[j] & 15) - 8)} and
 * element j + 16 is {@code d * ((qs[j] >> 4) - 8)}. Nibbles are split and re-centred on byte lanes, widened
 * to float lanes, scaled by d and FMA'd with float activations.
 * <p>Choice: float decode (int8 variant within noise: see Kernels). Measured decode 5632×2048, 1 thread,
 * MatmulProbe best: 8.9 GB/s of weights (JMH tables: bench/kernel-benchmarks.md).
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
                for (int h = 0; h < 2; h++) {
                    for (int p = 0; p < 16; p += L) {
                        ByteVector q = loadBytes(w, bo + 2 + p).lanewise(VectorOperators.LSHR, 4 * h).and((byte) 15);
                        FloatVector wv = toFloats(q.sub((byte) 8)).mul(d);
                        acc = wv.fma(FloatVector.fromArray(F, x, xb + 16 * h + p), acc);
                    }
                }
            }
            {
                long bo = rowOff + (long) (b + 1) * BLOCK_BYTES;
                int xb = xOff + (b + 1) * BLOCK;
                float d = Halfs.half(w, bo);
                for (int h = 0; h < 2; h++) {
                    for (int p = 0; p < 16; p += L) {
                        ByteVector q = loadBytes(w, bo + 2 + p).lanewise(VectorOperators.LSHR, 4 * h).and((byte) 15);
                        FloatVector wv = toFloats(q.sub((byte) 8)).mul(d);
                        odd = wv.fma(FloatVector.fromArray(F, x, xb + 16 * h + p), odd);
                    }
                }
            }
        }
        if (b < blocks) {
            {
                long bo = rowOff + (long) (b) * BLOCK_BYTES;
                int xb = xOff + (b) * BLOCK;
                float d = Halfs.half(w, bo);
                for (int h = 0; h < 2; h++) {
                    for (int p = 0; p < 16; p += L) {
                        ByteVector q = loadBytes(w, bo + 2 + p).lanewise(VectorOperators.LSHR, 4 * h).and((byte) 15);
                        FloatVector wv = toFloats(q.sub((byte) 8)).mul(d);
                        acc = wv.fma(FloatVector.fromArray(F, x, xb + 16 * h + p), acc);
                    }
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
                for (int h = 0; h < 2; h++) {
                    for (int p = 0; p < 16; p += L) {
                        ByteVector q = loadBytes(w, bo + 2 + p).lanewise(VectorOperators.LSHR, 4 * h).and((byte) 15);
                        FloatVector wv = toFloats(q.sub((byte) 8)).mul(d);
                        int xi = xb + 16 * h + p;
                        a0 = wv.fma(FloatVector.fromArray(F, x, xi), a0);
                        a1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), a1);
                        a2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), a2);
                        a3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), a3);
                    }
                }
            }
            {
                long bo = rowOff + (long) (b + 1) * BLOCK_BYTES;
                int xb = xOff + (b + 1) * BLOCK;
                float d = Halfs.half(w, bo);
                for (int h = 0; h < 2; h++) {
                    for (int p = 0; p < 16; p += L) {
                        ByteVector q = loadBytes(w, bo + 2 + p).lanewise(VectorOperators.LSHR, 4 * h).and((byte) 15);
                        FloatVector wv = toFloats(q.sub((byte) 8)).mul(d);
                        int xi = xb + 16 * h + p;
                        o0 = wv.fma(FloatVector.fromArray(F, x, xi), o0);
                        o1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), o1);
                        o2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), o2);
                        o3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), o3);
                    }
                }
            }
        }
        if (b < blocks) {
            {
                long bo = rowOff + (long) (b) * BLOCK_BYTES;
                int xb = xOff + (b) * BLOCK;
                float d = Halfs.half(w, bo);
                for (int h = 0; h < 2; h++) {
                    for (int p = 0; p < 16; p += L) {
                        ByteVector q = loadBytes(w, bo + 2 + p).lanewise(VectorOperators.LSHR, 4 * h).and((byte) 15);
                        FloatVector wv = toFloats(q.sub((byte) 8)).mul(d);
                        int xi = xb + 16 * h + p;
                        a0 = wv.fma(FloatVector.fromArray(F, x, xi), a0);
                        a1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), a1);
                        a2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), a2);
                        a3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), a3);
                    }
                }
            }
        }
        out[outOff] = a0.add(o0).reduceLanes(VectorOperators.ADD);
        out[outOff + outStride] = a1.add(o1).reduceLanes(VectorOperators.ADD);
        out[outOff + 2 * outStride] = a2.add(o2).reduceLanes(VectorOperators.ADD);
        out[outOff + 3 * outStride] = a3.add(o3).reduceLanes(VectorOperators.ADD);
    }
}
