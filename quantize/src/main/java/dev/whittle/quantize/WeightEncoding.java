package dev.whittle.quantize;

import dev.whittle.core.quant.BlockCodecs;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Half;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Encodes a row-major float matrix into a stored dtype (block types through the ggml-exact codecs) and back. */
final class WeightEncoding {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private WeightEncoding() {}

    /** {@code rows × cols} floats as {@code type}: F32, F16 or a block type whose block divides {@code cols}. */
    static MemorySegment encode(float[] w, int rows, int cols, DType type, Arena arena) {
        long rowBytes = type.byteSize(cols);
        if (rowBytes < 0) throw new IllegalArgumentException("a row of " + cols + " is not a whole number of " + type + " blocks");
        MemorySegment out = arena.allocate(Math.max(1, rowBytes * rows), 16).asSlice(0, rowBytes * rows);
        switch (type) {
            case F32 -> MemorySegment.copy(w, 0, out, F32, 0, rows * cols);
            case F16 -> {
                for (int i = 0; i < rows * cols; i++) out.set(I16, 2L * i, Half.fromFloat(w[i]));
            }
            default -> {
                var codec = BlockCodecs.forType(type);
                for (int r = 0; r < rows; r++) codec.quantizeRow(w, r * cols, out, r * rowBytes, cols);
            }
        }
        return out;
    }

    /** The values a reader of {@code data} sees. */
    static float[] decode(MemorySegment data, int rows, int cols, DType type) {
        float[] out = new float[rows * cols];
        Dequantizer.dequantizeRow(type, data, 0, out, 0, rows * cols);
        return out;
    }

    /** Round trip through {@code type}: what RTN into that type leaves of {@code w} (rows in parallel). */
    static float[] roundTrip(float[] w, int rows, int cols, DType type) {
        float[] out = new float[rows * cols];
        java.util.stream.IntStream.range(0, rows).parallel().forEach(r -> roundTripRow(w, r * cols, out, r * cols, cols, type));
        return out;
    }

    /** Round trip of {@code n} values (whole blocks) through {@code type}, on the heap. */
    static void roundTripRow(float[] src, int so, float[] dst, int doff, int n, DType type) {
        switch (type) {
            case F32 -> System.arraycopy(src, so, dst, doff, n);
            case F16 -> {
                for (int i = 0; i < n; i++) dst[doff + i] = Half.round(src[so + i]);
            }
            default -> {
                MemorySegment buf = MemorySegment.ofArray(new byte[(int) type.byteSize(n)]);
                BlockCodecs.forType(type).quantizeRow(src, so, buf, 0, n);
                Dequantizer.dequantizeRow(type, buf, 0, dst, doff, n);
            }
        }
    }

    /** Whether a type is a grid worth optimising for (a block type), as opposed to a float fallback. */
    static boolean isQuantized(DType type) {
        return type.isBlockQuantized();
    }
}
