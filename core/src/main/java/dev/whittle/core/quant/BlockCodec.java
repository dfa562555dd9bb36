package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;
import java.lang.foreign.MemorySegment;

/**
 * Encoder and decoder of one GGUF block type. Quantizing follows ggml's reference {@code quantize_row_*_ref}
 * (no importance matrix) so the bytes are identical to what ggml writes; decoding is the {@code Dequantizer}.
 * Implementations are stateless and thread-safe.
 */
public interface BlockCodec {
    DType type();

    /** Quantizes {@code n} floats (a multiple of the block size) from {@code src[srcOff..]} into {@code dst} at {@code dstOff}. */
    void quantizeRow(float[] src, int srcOff, MemorySegment dst, long dstOff, int n);

    /** Decodes {@code n} elements (a multiple of the block size) stored at {@code srcOff} into {@code dst[dstOff..]}. */
    void dequantizeRow(MemorySegment src, long srcOff, float[] dst, int dstOff, int n);
}
