package dev.whittle.engine;

import dev.whittle.core.tensor.DType;
import dev.whittle.engine.kernel.KernelSpecies;
import dev.whittle.engine.kernel.LinearKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A stand-in matmul for float weights (F32, F16, BF16) until the per-dtype kernels land: each weight row is
 * copied (F32) or widened (F16/BF16, vectorised and exact) once into a scratch row and multiplied with every
 * token of the batch, four tokens per weight load. Each output is one row·token dot product computed the same
 * way whatever the row range or batch size, so results do not depend on thread count or on prefill vs decode.
 */
final class SimpleF32Kernel implements LinearKernel {
    static final SimpleF32Kernel INSTANCE = new SimpleF32Kernel();

    private static final VectorSpecies<Float> S = KernelSpecies.F; // the width -Dwhittle.vectorBits chose
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
        float[] row = new float[cols];
        float[] four = new float[4];
        for (int r = rowStart; r < rowEnd; r++) {
            if (weightType == DType.F32) MemorySegment.copy(weights, F32, (long) r * cols * 4, row, 0, cols);
            else HalfWidening.widen(weightType, weights, (long) r * cols * 2, row, cols);
            int t = 0;
            for (; t + 4 <= n; t += 4) {
                dot4(row, x, t * cols, cols, four);
                for (int k = 0; k < 4; k++) out[(t + k) * rows + r] = four[k];
            }
            for (; t < n; t++) out[t * rows + r] = ForwardVectorOps.dot(row, 0, x, t * cols, cols);
        }
    }

    /**
     * Four tokens' dot products with one weight row, sharing each weight load. Per token the operations are
     * exactly those of {@link ForwardVectorOps#dot}, so a token's result does not depend on its batch.
     */
    private static void dot4(float[] w, float[] x, int xOff, int len, float[] out) {
        int i = 0;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int o0 = xOff, o1 = xOff + len, o2 = xOff + 2 * len, o3 = xOff + 3 * len;
        if (len >= L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (; i <= len - L; i += L) {
                FloatVector wv = FloatVector.fromArray(S, w, i);
                a0 = wv.fma(FloatVector.fromArray(S, x, o0 + i), a0);
                a1 = wv.fma(FloatVector.fromArray(S, x, o1 + i), a1);
                a2 = wv.fma(FloatVector.fromArray(S, x, o2 + i), a2);
                a3 = wv.fma(FloatVector.fromArray(S, x, o3 + i), a3);
            }
            s0 = KernelSpecies.sum(a0);
            s1 = KernelSpecies.sum(a1);
            s2 = KernelSpecies.sum(a2);
            s3 = KernelSpecies.sum(a3);
        }
        for (; i < len; i++) {
            s0 += w[i] * x[o0 + i];
            s1 += w[i] * x[o1 + i];
            s2 += w[i] * x[o2 + i];
            s3 += w[i] * x[o3 + i];
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
    }
}
