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
        return applyAll(new KernelProjection[] {this}, x, n, parallel)[0];
    }

    /**
     * {@link Projection#applyAll} for kernel projections with the same input width: one {@code forRange} over
     * their rows laid end to end, each chunk split at the projections' boundaries. A row's result does not
     * depend on the chunk it falls in (the kernels' contract), so the outputs equal separate {@link #apply}
     * calls bit for bit. Projections with the same kernel and dtype share one prepared input.
     */
    static float[][] applyAll(KernelProjection[] ps, float[] x, int n, Parallel parallel) {
        int count = ps.length;
        float[][] out = new float[count][];
        LinearKernel.PreparedInput[] in = new LinearKernel.PreparedInput[count];
        int[] first = new int[count + 1];
        for (int i = 0; i < count; i++) {
            KernelProjection p = ps[i];
            out[i] = new float[n * p.rows];
            for (int j = 0; j < i && in[i] == null; j++) {
                if (ps[j].kernel == p.kernel && ps[j].weight.dtype() == p.weight.dtype()) in[i] = in[j];
            }
            if (in[i] == null) in[i] = p.kernel.prepare(p.weight.dtype(), x, n, p.cols);
            first[i + 1] = first[i] + p.rows;
        }
        parallel.forRange(first[count], Parallel.minChunk((long) ps[0].cols * n, MIN_ROWS_PER_THREAD), (start, end) -> {
            for (int i = 0; i < count; i++) {
                int s = Math.max(start, first[i]) - first[i], e = Math.min(end, first[i + 1]) - first[i];
                KernelProjection p = ps[i];
                if (s < e) p.kernel.multiply(p.weight.dtype(), p.weight.data(), p.rows, p.cols, in[i], out[i], s, e);
            }
        });
        for (int i = 0; i < count; i++) Projection.addBias(out[i], n, ps[i].bias);
        return out;
    }
}
