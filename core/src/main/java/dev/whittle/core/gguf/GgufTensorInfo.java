package dev.whittle.core.gguf;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

/**
 * A tensor's entry in a GGUF header. {@code ne} is in GGUF order (innermost dimension first), as on disk;
 * {@code offset} is relative to the start of the data section.
 */
public record GgufTensorInfo(String name, long[] ne, DType dtype, long offset) {
    public GgufTensorInfo {
        ne = ne.clone();
    }

    @Override
    public long[] ne() { return ne.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && java.util.Arrays.equals(ne, t.ne)
                && dtype == t.dtype && offset == t.offset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + java.util.Arrays.hashCode(ne);
    }

    @Override
    public String toString() {
        return name + " " + dtype + java.util.Arrays.toString(ne) + " @" + offset;
    }

    /** Bytes of data, or -1 if the element count overflows or is not a whole number of blocks. */
    public long byteSize() {
        long n = Tensor.elementCount(ne);
        return n < 0 ? -1 : dtype.byteSize(n);
    }

    /** The shape in whittle's order (outermost first). */
    public long[] shape() {
        long[] s = new long[ne.length];
        for (int i = 0; i < ne.length; i++) s[i] = ne[ne.length - 1 - i];
        return s;
    }
}
