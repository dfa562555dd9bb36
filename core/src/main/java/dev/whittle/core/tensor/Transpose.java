package dev.whittle.core.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Transposes a 2-D tensor of a plain (one element per block) dtype into new memory. */
public final class Transpose {
    private Transpose() {}

    public static Tensor of(Tensor t, Arena arena) {
        if (t.rank() != 2) throw new IllegalArgumentException(t.name() + ": transpose needs a 2-D tensor, not " + t.rank() + "-D");
        if (t.dtype().isBlockQuantized()) throw new IllegalArgumentException(t.name() + ": cannot transpose block-quantized " + t.dtype());
        long rows = t.dim(0), cols = t.dim(1);
        int es = t.dtype().blockBytes();
        MemorySegment out = arena.allocate(t.byteSize(), 64);
        MemorySegment in = t.data();
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < cols; c++)
                MemorySegment.copy(in, (r * cols + c) * es, out, (c * rows + r) * es, es);
        return new Tensor(t.name(), new long[] {cols, rows}, t.dtype(), out);
    }
}
