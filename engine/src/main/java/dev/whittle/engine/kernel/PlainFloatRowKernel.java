package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;

import java.lang.foreign.MemorySegment;

/**
 * A {@link FloatRowKernel} whose dot products read the activations as given (F32, F16, BF16, Q8_0): nothing is
 * precomputed per matmul, so its kernels are written against a plain float array and offset.
 */
abstract class PlainFloatRowKernel extends FloatRowKernel {
    PlainFloatRowKernel(DType type) {
        super(type);
    }

    @Override
    final float dot1(MemorySegment w, long rowOff, int cols, PreparedInput in, int token) {
        return dot1(w, rowOff, cols, in.floats(), token * cols);
    }

    @Override
    final void dot4(MemorySegment w, long rowOff, int cols, PreparedInput in, int token, float[] out, int outOff,
                    int outStride) {
        dot4(w, rowOff, cols, in.floats(), token * cols, out, outOff, outStride);
    }

    /** Dot product of the weight row at byte offset {@code rowOff} with {@code x[xOff .. xOff + cols)}. */
    abstract float dot1(MemorySegment w, long rowOff, int cols, float[] x, int xOff);

    /**
     * Four tokens at once: token k's activations start at {@code xOff + k * cols}, its result goes to
     * {@code out[outOff + k * outStride]}.
     */
    abstract void dot4(MemorySegment w, long rowOff, int cols, float[] x, int xOff, float[] out, int outOff, int outStride);
}
