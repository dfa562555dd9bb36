package dev.whittle.engine;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import dev.whittle.engine.kernel.KernelSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * GPT-2's Conv1D weight, stored [in, out] (the transpose of a Linear), read in place: y[t, j] accumulates
 * x[t, i] · W[i, j] over i in order, vectorised across j. Every y[t, j] sees the same sequence of fused
 * multiply-adds however the columns are split, so results are thread-count independent. Float dtypes only;
 * a quantized GPT-2 arrives from GGUF already in [out, in] layout.
 */
final class TransposedProjection implements Projection {
    private static final VectorSpecies<Float> S = KernelSpecies.F; // the width -Dwhittle.vectorBits chose
    private static final int L = S.length();
    private static final int MIN_COLUMNS_PER_THREAD = 16;

    private final Tensor weight;
    private final int in;
    private final int out;
    private final float[] bias;

    TransposedProjection(Tensor weight, float[] bias) {
        DType t = weight.dtype();
        if (t != DType.F32 && t != DType.F16 && t != DType.BF16) {
            throw new IllegalArgumentException(weight.name() + ": Conv1D layout needs F32/F16/BF16, got " + t);
        }
        this.weight = weight;
        this.in = Math.toIntExact(weight.dim(0));
        this.out = Math.toIntExact(weight.dim(1));
        this.bias = bias;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }

    @Override
    public float[] apply(float[] x, int n, Parallel parallel) {
        float[] y = new float[n * out];
        parallel.forRange(out, Parallel.minChunk((long) in * n, MIN_COLUMNS_PER_THREAD), (start, end) -> columns(x, n, y, start, end));
        Projection.addBias(y, n, bias);
        return y;
    }

    private void columns(float[] x, int n, float[] y, int start, int end) {
        DType type = weight.dtype();
        MemorySegment w = weight.data();
        int width = end - start;
        float[] row = new float[width];
        for (int i = 0; i < in; i++) {
            long rowOff = ((long) i * out + start) * type.blockBytes();
            if (type == DType.F32) {
                MemorySegment.copy(w, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                        rowOff, row, 0, width);
            } else {
                HalfWidening.widen(type, w, rowOff, row, width);
            }
            for (int t = 0; t < n; t++) {
                float a = x[t * in + i];
                int yOff = t * out + start;
                int j = 0;
                FloatVector va = FloatVector.broadcast(S, a);
                for (; j <= width - L; j += L) {
                    FloatVector.fromArray(S, row, j).fma(va, FloatVector.fromArray(S, y, yOff + j)).intoArray(y, yOff + j);
                }
                // Math.fma rounds exactly as the vector fma, so a column's value is the same in lanes or tail.
                for (; j < width; j++) y[yOff + j] = Math.fma(row[j], a, y[yOff + j]);
            }
        }
    }
}
