package dev.whittle.engine;

import dev.whittle.core.tensor.Tensor;
import dev.whittle.engine.kernel.LinearKernel;

/** A PyTorch-layout weight [out, in] multiplied in place by a {@link LinearKernel}, split over output rows. */
final class KernelProjection implements Projection {
    /** Rows per thread below which splitting costs more than it saves (the split never changes results). */
    private static final int MIN_ROWS_PER_THREAD = 8;

    private final Tensor weight;
    private final LinearKernel kernel;
    private final int rows;
    private final int cols;
    private final float[] bias;

    KernelProjection(Tensor weight, LinearKernel kernel, float[] bias) {
        this.weight = weight;
        this.kernel = kernel;
        this.rows = Math.toIntExact(weight.dim(0));
        this.cols = Math.toIntExact(weight.dim(1));
        this.bias = bias;
    }

    @Override
    public int inFeatures() {
        return cols;
    }

    @Override
    public int outFeatures() {
        return rows;
    }

    @Override
    public float[] apply(float[] x, int n, Parallel parallel) {
        float[] out = new float[n * rows];
        LinearKernel.PreparedInput in = kernel.prepare(weight.dtype(), x, n, cols);
        parallel.forRange(rows, Parallel.minChunk((long) cols * n, MIN_ROWS_PER_THREAD),
                (start, end) -> kernel.multiply(weight.dtype(), weight.data(), rows, cols, in, out, start, end));
        Projection.addBias(out, n, bias);
        return out;
    }
}
