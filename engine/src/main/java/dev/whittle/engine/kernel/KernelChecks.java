package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;

import java.lang.foreign.MemorySegment;

/** Argument checks shared by all kernels: misuse fails with one clear line, never out of bounds. */
final class KernelChecks {
    private KernelChecks() {}

    static void checkPrepare(LinearKernel kernel, DType type, float[] x, int n, int cols) {
        if (!kernel.supports(type)) throw new IllegalArgumentException(kernel.getClass().getSimpleName() + " does not read " + type);
        if (n < 1 || cols < 1) throw new IllegalArgumentException("need n >= 1 and cols >= 1, got n=" + n + " cols=" + cols);
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException("cols=" + cols + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        if ((long) n * cols > x.length) {
            throw new IllegalArgumentException("activations hold " + x.length + " floats, need n*cols=" + (long) n * cols);
        }
    }

    /** Returns the byte length of one weight row. */
    static long checkMultiply(LinearKernel kernel, DType type, MemorySegment weights, int rows, int cols,
                              LinearKernel.PreparedInput x, float[] out, int rowStart, int rowEnd) {
        if (!kernel.supports(type)) throw new IllegalArgumentException(kernel.getClass().getSimpleName() + " does not read " + type);
        if (x.cols() != cols) throw new IllegalArgumentException("input prepared for cols=" + x.cols() + ", weights have cols=" + cols);
        if (rows < 0 || rowStart < 0 || rowEnd > rows || rowStart > rowEnd) {
            throw new IllegalArgumentException("row range [" + rowStart + ", " + rowEnd + ") outside [0, " + rows + ")");
        }
        long rowBytes = type.byteSize(cols);
        if (rowBytes < 0) throw new IllegalArgumentException("cols=" + cols + " is not a whole number of " + type + " blocks");
        if (weights.byteSize() < rowBytes * rows) {
            throw new IllegalArgumentException("weights hold " + weights.byteSize() + " bytes, " + rows + "x" + cols + " " + type
                    + " needs " + rowBytes * rows);
        }
        if ((long) x.n() * rows > out.length) {
            throw new IllegalArgumentException("output holds " + out.length + " floats, need n*rows=" + (long) x.n() * rows);
        }
        return rowBytes;
    }
}
