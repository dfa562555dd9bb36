package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;

import java.lang.foreign.MemorySegment;

/**
 * The plain reference kernel for one dtype: decodes each weight row into floats with the family's scalar
 * block decoder (a one-row scratch, never a copy of the matrix) and sums {@code w[i] * x[i]} left to right.
 * The vector kernels are tested against it.
 */
public final class ScalarKernel implements LinearKernel {
    private final DType type;
    private final BlockDecoder decoder;

    ScalarKernel(DType type, BlockDecoder decoder) {
        this.type = type;
        this.decoder = decoder;
    }

    @Override
    public boolean supports(DType dtype) {
        return dtype == type;
    }

    @Override
    public PreparedInput prepare(DType weightType, float[] x, int n, int cols) {
        KernelChecks.checkPrepare(this, weightType, x, n, cols);
        return new FloatInput(x, n, cols);
    }

    @Override
    public void multiply(DType weightType, MemorySegment weights, int rows, int cols, PreparedInput x, float[] out,
                         int rowStart, int rowEnd) {
        long rowBytes = KernelChecks.checkMultiply(this, weightType, weights, rows, cols, x, out, rowStart, rowEnd);
        int bs = type.blockSize();
        int bb = type.blockBytes();
        float[] row = new float[cols];
        float[] xs = x.floats();
        for (int r = rowStart; r < rowEnd; r++) {
            long base = r * rowBytes;
            for (int b = 0; b < cols / bs; b++) decoder.decode(weights, base + (long) b * bb, row, b * bs);
            for (int t = 0; t < x.n(); t++) {
                float sum = 0f;
                int xo = t * cols;
                for (int i = 0; i < cols; i++) sum += row[i] * xs[xo + i];
                out[t * rows + r] = sum;
            }
        }
    }
}
