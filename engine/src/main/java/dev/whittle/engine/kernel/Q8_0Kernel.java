package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Q8_0 weights: blocks of 32, {@code f16 d; int8 q[32]}, weight = d * q. Decodes each 16-byte group of
 * quants to float lanes, scales by d and FMAs with float activations.
 */
public final class Q8_0Kernel extends FloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final int L = KernelSpecies.L;
    private static final int PARTS = 16 / L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int BLOCK_BYTES = 34;

    public Q8_0Kernel() {
        super(DType.Q8_0);
    }

    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        float d = Halfs.half(w, off);
        for (int j = 0; j < 32; j++) dst[dstOff + j] = d * w.get(ValueLayout.JAVA_BYTE, off + 2 + j);
    }

    @Override
    float dot1(MemorySegment w, long rowOff, int cols, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        int blocks = cols >> 5;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            float d = Halfs.half(w, bo);
            int xb = xOff + (b << 5);
            for (int g = 0; g < 2; g++) {
                ByteVector q = ByteVector.fromMemorySegment(B16, w, bo + 2 + 16 * g, LE);
                for (int p = 0; p < PARTS; p++) {
                    FloatVector wv = ((FloatVector) q.convertShape(VectorOperators.B2F, F, p)).mul(d);
                    acc = wv.fma(FloatVector.fromArray(F, x, xb + 16 * g + p * L), acc);
                }
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    void dot4(MemorySegment w, long rowOff, int cols, float[] x, int xOff, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int blocks = cols >> 5;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            float d = Halfs.half(w, bo);
            int xb = xOff + (b << 5);
            for (int g = 0; g < 2; g++) {
                ByteVector q = ByteVector.fromMemorySegment(B16, w, bo + 2 + 16 * g, LE);
                for (int p = 0; p < PARTS; p++) {
                    FloatVector wv = ((FloatVector) q.convertShape(VectorOperators.B2F, F, p)).mul(d);
                    int xi = xb + 16 * g + p * L;
                    a0 = wv.fma(FloatVector.fromArray(F, x, xi), a0);
                    a1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), a1);
                    a2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), a2);
                    a3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), a3);
                }
            }
        }
        out[outOff] = a0.reduceLanes(VectorOperators.ADD);
        out[outOff + outStride] = a1.reduceLanes(VectorOperators.ADD);
        out[outOff + 2 * outStride] = a2.reduceLanes(VectorOperators.ADD);
        out[outOff + 3 * outStride] = a3.reduceLanes(VectorOperators.ADD);
    }
}
