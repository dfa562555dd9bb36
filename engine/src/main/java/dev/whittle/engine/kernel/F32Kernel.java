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
 * <p>Measurements: see {@link Kernels} for the JMH table.
 */
public final class F32Kernel extends FloatRowKernel {
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

    @Override
    float dot1(MemorySegment w, long rowOff, int cols, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        int upper = F.loopBound(cols);
        int i = 0;
        for (; i < upper; i += L) {
            FloatVector wv = FloatVector.fromMemorySegment(F, w, rowOff + 4L * i, LE);
            acc = wv.fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) sum += w.get(Halfs.LE_FLOAT, rowOff + 4L * i) * x[xOff + i];
        return sum;
    }

    @Override
    void dot4(MemorySegment w, long rowOff, int cols, float[] x, int xOff, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int x1 = xOff + cols, x2 = x1 + cols, x3 = x2 + cols;
        int upper = F.loopBound(cols);
        int i = 0;
        for (; i < upper; i += L) {
            FloatVector wv = FloatVector.fromMemorySegment(F, w, rowOff + 4L * i, LE);
            a0 = wv.fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
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
}
