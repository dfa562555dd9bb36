package dev.whittle.core.model;

import dev.whittle.core.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.LongUnaryOperator;

/**
 * Reorders the rows of a Q or K projection between HF's rotate-half layout and GGUF/Meta's interleaved layout.
 * <p>
 * Within each head of size d, HF pairs row i with row i + d/2 for RoPE; GGUF pairs rows 2i and 2i+1.
 * llama.cpp's converter maps HF row {@code h·d + j·d/2 + i} to GGUF row {@code h·d + 2i + j} (i &lt; d/2,
 * j ∈ {0,1}). K uses the KV head count. Rows move whole, so this works for every dtype, quantized too.
 */
public final class QkPermutation {
    private QkPermutation() {}

    /**
     * The heads to interleave for canonical tensor {@code name} when it crosses the GGUF boundary: the query or KV
     * head count for Q/K of families whose GGUF layout interleaves ({@link Architecture#ggufInterleavesQk()}),
     * else 0 (rows stay as they are).
     */
    public static int ggufInterleavedHeads(ModelConfig cfg, String name) {
        if (!cfg.architecture().ggufInterleavesQk()) return 0;
        if (TensorNaming.isQuery(name)) return cfg.numHeads();
        if (TensorNaming.isKey(name)) return cfg.numKvHeads();
        return 0;
    }

    /** Which canonical row goes at GGUF row r of tensor {@code t} (identity unless Q/K rows interleave). */
    public static LongUnaryOperator ggufRowOrder(ModelConfig cfg, String name, Tensor t) {
        int heads = ggufInterleavedHeads(cfg, name);
        if (heads == 0) return r -> r;
        int headDim = (int) (t.dim(0) / heads);
        return g -> hfRowForGgufRow(g, headDim);
    }

    /** Which HF row lands at GGUF row {@code g}. */
    public static long hfRowForGgufRow(long g, int headDim) {
        long head = g / headDim;
        long r = g % headDim;
        long i = r / 2;
        long j = r % 2;
        return head * headDim + j * (headDim / 2) + i;
    }

    /** HF (rotate-half) → GGUF (interleaved). */
    public static Tensor hfToGguf(Tensor t, int heads, Arena arena) {
        return permute(t, heads, arena, true);
    }

    /** GGUF (interleaved) → HF (rotate-half). */
    public static Tensor ggufToHf(Tensor t, int heads, Arena arena) {
        return permute(t, heads, arena, false);
    }

    private static Tensor permute(Tensor t, int heads, Arena arena, boolean toGguf) {
        long rows = t.rank() == 1 ? t.dim(0) : t.dim(0);
        if (heads <= 0 || rows % heads != 0 || (rows / heads) % 2 != 0)
            throw new IllegalArgumentException(t.name() + ": " + rows + " rows do not split into " + heads + " heads of even size");
        int headDim = (int) (rows / heads);
        long rowBytes = t.byteSize() / rows;
        MemorySegment out = arena.allocate(t.byteSize(), 64);
        for (long g = 0; g < rows; g++) {
            long h = hfRowForGgufRow(g, headDim);
            long src = toGguf ? h : g;
            long dst = toGguf ? g : h;
            MemorySegment.copy(t.data(), src * rowBytes, out, dst * rowBytes, rowBytes);
        }
        return new Tensor(t.name(), t.shape(), t.dtype(), out);
    }
}
