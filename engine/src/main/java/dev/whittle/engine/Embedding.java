package dev.whittle.engine;

import dev.whittle.core.tensor.Tensor;

/** Row lookups in a [count, dim] table (token or learned position embeddings), read from the mapped tensor. */
record Embedding(Tensor table, int count, int dim) {
    /** Adds (accumulate) or writes row {@code index} into out[off .. off+dim). */
    void row(int index, float[] out, int off, boolean accumulate) {
        float[] row = new float[dim];
        WeightSet.readRow(table, (long) index * dim, dim, row);
        if (accumulate) ForwardVectorOps.add(row, 0, out, off, dim);
        else System.arraycopy(row, 0, out, off, dim);
    }
}
