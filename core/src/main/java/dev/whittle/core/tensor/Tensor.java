package dev.whittle.core.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A named tensor: a view over bytes (usually a memory-mapped file) with a shape and a dtype.
 * <p>
 * Shapes are always in PyTorch/SafeTensors order, outermost dimension first: a linear layer's weight is
 * {@code [out_features, in_features]} and each row of {@code in_features} elements is contiguous. GGUF lists
 * dimensions innermost first; readers and writers reverse them at the format boundary. For block-quantized
 * dtypes the innermost dimension is a whole number of blocks, so every row starts on a block boundary.
 */
public record Tensor(String name, long[] shape, DType dtype, MemorySegment data) {
    public Tensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Drops this tensor's pages from physical memory when its bytes are a mapped file (a no-op otherwise); they are
     * read from the file again if touched. A pass over a model that reads each tensor once calls it when done, so
     * resident memory stays about one tensor (or one layer) instead of growing to the whole file.
     */
    public void releasePages() {
        if (data.isMapped() && data.scope().isAlive()) data.unload();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    /** Number of elements (1 for a scalar). */
    public long elementCount() {
        return elementCount(shape);
    }

    /** Elements in one innermost row. */
    public long rowLength() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** Number of innermost rows. */
    public long rowCount() {
        return rowLength() == 0 ? 0 : elementCount() / rowLength();
    }

    public long byteSize() {
        return data.byteSize();
    }

    public Tensor withName(String newName) {
        return new Tensor(newName, shape, dtype, data);
    }

    /** Product of the dimensions, or -1 if it overflows a long or a dimension is negative. */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) return -1;
            if (d != 0 && n > Long.MAX_VALUE / d) return -1;
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && name.equals(t.name) && Arrays.equals(shape, t.shape) && dtype == t.dtype
                && data.equals(t.data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }
}
