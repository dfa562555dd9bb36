package dev.whittle.core.gguf;

import dev.whittle.core.tensor.DType;

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

    /** The shape in whittle's order (outermost first). */
    public long[] shape() {
        long[] s = new long[ne.length];
        for (int i = 0; i < ne.length; i++) s[i] = ne[ne.length - 1 - i];
        return s;
    }
}
