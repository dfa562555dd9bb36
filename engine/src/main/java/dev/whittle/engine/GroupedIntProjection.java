package dev.whittle.engine;

import dev.whittle.core.intq.GroupedIntWeight;
import dev.whittle.engine.intq.GroupedIntKernel;

/** A compressed-tensors grouped-int Linear weight multiplied in place by {@link GroupedIntKernel}, split over rows. */
final class GroupedIntProjection implements Projection {
    private static final int MIN_ROWS_PER_THREAD = 8;

    private final GroupedIntWeight weight;
    private final float[] bias;

    GroupedIntProjection(GroupedIntWeight weight, float[] bias) {
        this.weight = weight;
        this.bias = bias;
    }

    @Override
    public int inFeatures() {
        return weight.cols();
    }

    @Override
    public int outFeatures() {
        return weight.rows();
    }

    @Override
    public float[] apply(float[] x, int n, Parallel parallel) {
        int rows = weight.rows();
        float[] out = new float[n * rows];
        GroupedIntKernel.Prepared in = GroupedIntKernel.prepare(weight, x, n);
        parallel.forRange(rows, Parallel.minChunk((long) weight.cols() * n, MIN_ROWS_PER_THREAD),
                (start, end) -> GroupedIntKernel.multiply(weight, in, out, start, end));
        Projection.addBias(out, n, bias);
        return out;
    }
}
