package dev.whittle.engine;

import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Tensor;

/**
 * Row lookups in a [count, dim] table (token or learned position embeddings) of any dtype, decoded one row
 * at a time from the mapped tensor.
 */
record Embedding(Tensor table, int count, int dim) {
    /** Writes (or, with accumulate, adds) row {@code index} into out[off .. off+dim). */
    void row(int index, float[] out, int off, boolean accumulate) {
        float[] row = new float[dim];
        Dequantizer.dequantizeRow(table, index, row);
        if (accumulate) ForwardVectorOps.add(row, 0, out, off, dim);
        else System.arraycopy(row, 0, out, off, dim);
    }
}
