package dev.whittle.engine;

import dev.whittle.core.tensor.DType;
import dev.whittle.engine.kernel.LinearKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A stand-in matmul for float weights (F32, F16, BF16) until the per-dtype kernels land: F32 rows are read
 * straight from the mapped segment with vector loads; F16/BF16 rows are widened once (vectorised, exact) into a scratch row
 * and reused for every token of the batch. Each output is one row·token dot product computed the same way
 * whatever the row range, so results do not depend on how rows are split over threads.
 */
final class SimpleF32Kernel implements LinearKernel {
    static final SimpleF32Kernel INSTANCE = new SimpleF32Kernel();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public boolean supports(DType dtype) {
        return dtype == DType.F32 || dtype == DType.F16 || dtype == DType.BF16;
    }

    @Override
    public PreparedInput prepare(DType weightType, float[] x, int n, int cols) {
        return new FloatInput(x, n, cols);
    }

    @Override
    public void multiply(DType weightType, MemorySegment weights, int rows, int cols, PreparedInput input,
                         float[] out, int rowStart, int rowEnd) {
        float[] x = input.floats();
        int n = input.n();
        if (weightType == DType.F32) {
            for (int r = rowStart; r < rowEnd; r++) {
                long rowOff = (long) r * cols * 4;
                for (int t = 0; t < n; t++) out[t * rows + r] = dotF32(weights, rowOff, x, t * cols, cols);
            }
            return;
        }
        float[] row = new float[cols];
        for (int r = rowStart; r < rowEnd; r++) {
            HalfWidening.widen(weightType, weights, (long) r * cols * 2, row, cols);
            for (int t = 0; t < n; t++) out[t * rows + r] = ForwardVectorOps.dot(row, 0, x, t * cols, cols);
        }
    }

    private static float dotF32(MemorySegment w, long off, float[] x, int xOff, int len) {
        int i = 0;
        float sum = 0f;
        if (len >= L) {
            FloatVector acc = FloatVector.zero(S);
            for (; i <= len - L; i += L) {
                FloatVector wv = FloatVector.fromMemorySegment(S, w, off + 4L * i, ByteOrder.LITTLE_ENDIAN);
                acc = wv.fma(FloatVector.fromArray(S, x, xOff + i), acc);
            }
            sum = ForwardVectorOps.sumLanes(acc);
        }
        for (; i < len; i++) sum += w.get(F32, off + 4L * i) * x[xOff + i];
        return sum;
    }
}
