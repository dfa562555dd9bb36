package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;

import java.lang.foreign.MemorySegment;

/**
 * Multiplies a weight matrix stored in one dtype's native layout by a batch of activation vectors:
 * {@code out[t * rows + r] = dot(W[r, :], x[t * cols .. (t + 1) * cols])} for every token t in [0, n) and
 * every row r in [rowStart, rowEnd). W is {@code rows × cols}, row-major, each row a whole number of blocks,
 * exactly as mapped from the model file (no dequantized copy).
 * <p>
 * {@link #prepare} runs once per matmul (e.g. quantizing activations to int8 blocks for integer dot
 * products); {@link #multiply} is then called from several threads on disjoint row ranges. One
 * implementation per dtype family; each has a scalar reference twin that tests hold it to.
 */
public interface LinearKernel {
    /** The weight dtypes this kernel reads. */
    boolean supports(DType dtype);

    /** Converts n activation rows of length cols into the form the inner loop wants. Not shared across calls. */
    PreparedInput prepare(DType weightType, float[] x, int n, int cols);

    void multiply(DType weightType, MemorySegment weights, int rows, int cols, PreparedInput x, float[] out,
                  int rowStart, int rowEnd);

    /** Activations after {@link #prepare}: the float source plus whatever the kernel derived from it. */
    interface PreparedInput {
        float[] floats();

        int n();

        int cols();
    }

    /** The trivial preparation: the floats as they are. */
    record FloatInput(float[] floats, int n, int cols) implements PreparedInput {}
}
