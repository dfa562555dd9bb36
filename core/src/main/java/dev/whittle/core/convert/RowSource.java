package dev.whittle.core.convert;

import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Tensor;

/** Produces a tensor's rows as floats on demand, so encoders never need the whole tensor in memory. */
@FunctionalInterface
public interface RowSource {
    /** Fills {@code dst[0 .. rowLength)} with row {@code r}. */
    void row(long r, float[] dst);

    /** The rows of a stored tensor (any dtype), decoded. */
    static RowSource of(Tensor t) {
        return (r, dst) -> Dequantizer.dequantizeRow(t, r, dst);
    }
}
