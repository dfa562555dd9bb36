package dev.whittle.core.safetensors;

import dev.whittle.core.tensor.DType;

/**
 * One tensor as its SafeTensors header describes it: dtype, shape (outermost first) and the byte range
 * {@code [begin, end)} relative to the start of the data buffer (the byte after the header).
 */
record TensorEntry(String name, DType dtype, long[] shape, long begin, long end) {
    TensorEntry {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    long byteSize() {
        return end - begin;
    }
}
