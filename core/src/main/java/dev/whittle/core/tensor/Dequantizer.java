package dev.whittle.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Converts tensor data of any {@link DType} to F32. Multi-byte values are little-endian (as in GGUF and
 * SafeTensors); block types decode exactly as ggml's {@code dequantize_row_*} (bit-identical floats).
 * Integers convert to the nearest float, BOOL to 0 or 1.
 */
public final class Dequantizer {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Largest array Java reliably allocates. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private Dequantizer() {}

    /** All elements of {@code t} as floats, in storage (row-major) order. */
    public static float[] toFloatArray(Tensor t) {
        long n = t.elementCount();
        if (n < 0 || n > MAX_ARRAY) {
            throw new IllegalArgumentException("tensor " + t.name() + " has " + n
                    + " elements, more than a Java float[] holds (2^31-9); dequantize it row by row");
        }
        checkData(t);
        float[] out = new float[(int) n];
        dequantizeRow(t.dtype(), t.data(), 0, out, 0, (int) n);
        return out;
    }

    /**
     * Decodes row {@code row} (an innermost row of {@link Tensor#rowLength()} elements) into the start of
     * {@code dst}.
     */
    public static void dequantizeRow(Tensor t, long row, float[] dst) {
        long rowLength = t.rowLength();
        if (row < 0 || row >= t.rowCount()) {
            throw new IllegalArgumentException("row " + row + " out of range for " + t + " (" + t.rowCount() + " rows)");
        }
        if (rowLength > dst.length) {
            throw new IllegalArgumentException("destination holds " + dst.length + " floats, row of " + t + " has " + rowLength);
        }
        checkData(t);
        long rowBytes = t.dtype().byteSize(rowLength);
        dequantizeRow(t.dtype(), t.data(), row * rowBytes, dst, 0, (int) rowLength);
    }

    /**
     * Decodes {@code elementCount} consecutive elements of {@code type} stored at {@code srcByteOffset} into
     * {@code dst[dstOffset ..]}. For block types {@code elementCount} must be a multiple of the block size and
     * the offset must be a block start.
     */
    public static void dequantizeRow(DType type, MemorySegment src, long srcByteOffset, float[] dst, int dstOffset,
                                     int elementCount) {
        long bytes = type.byteSize(elementCount);
        if (bytes < 0) {
            throw new IllegalArgumentException(elementCount + " elements is not a whole number of " + type
                    + " blocks of " + type.blockSize());
        }
        if (srcByteOffset < 0 || srcByteOffset > src.byteSize() - bytes) {
            throw new IllegalArgumentException("reading " + bytes + " bytes of " + type + " at offset " + srcByteOffset
                    + " overruns a segment of " + src.byteSize() + " bytes");
        }
        if (dstOffset < 0 || dstOffset > dst.length - elementCount) {
            throw new IllegalArgumentException("writing " + elementCount + " floats at " + dstOffset
                    + " overruns a destination of " + dst.length);
        }
        if (type.isBlockQuantized()) {
            decodeBlocks(type, src, srcByteOffset, dst, dstOffset, elementCount);
        } else {
            decodePlain(type, src, srcByteOffset, dst, dstOffset, elementCount);
        }
    }

    private static void checkData(Tensor t) {
        long need = t.dtype().byteSize(t.elementCount());
        if (need < 0 || t.data().byteSize() < need) {
            throw new IllegalArgumentException("tensor " + t + " needs " + need + " bytes of " + t.dtype()
                    + " data but has " + t.data().byteSize());
        }
    }

    private static void decodeBlocks(DType type, MemorySegment src, long off, float[] dst, int dstOff, int n) {
        int blockBytes = type.blockBytes();
        int blockSize = type.blockSize();
        byte[] block = new byte[blockBytes];
        for (int i = 0; i < n; i += blockSize) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, off, block, 0, blockBytes);
            BlockDecoder.decode(type, block, dst, dstOff + i);
            off += blockBytes;
        }
    }

    private static void decodePlain(DType type, MemorySegment s, long off, float[] dst, int o, int n) {
        switch (type) {
            case F32 -> MemorySegment.copy(s, F32, off, dst, o, n);
            case F16 -> { for (int i = 0; i < n; i++) dst[o + i] = Half.toFloat(s.get(I16, off + 2L * i)); }
            case BF16 -> { for (int i = 0; i < n; i++) dst[o + i] = Bf16.toFloat(s.get(I16, off + 2L * i)); }
            case F64 -> { for (int i = 0; i < n; i++) dst[o + i] = (float) s.get(F64, off + 8L * i); }
            case I8 -> { for (int i = 0; i < n; i++) dst[o + i] = s.get(ValueLayout.JAVA_BYTE, off + i); }
            case U8 -> { for (int i = 0; i < n; i++) dst[o + i] = s.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF; }
            case BOOL -> { for (int i = 0; i < n; i++) dst[o + i] = s.get(ValueLayout.JAVA_BYTE, off + i) != 0 ? 1f : 0f; }
            case I16 -> { for (int i = 0; i < n; i++) dst[o + i] = s.get(I16, off + 2L * i); }
            case U16 -> { for (int i = 0; i < n; i++) dst[o + i] = s.get(I16, off + 2L * i) & 0xFFFF; }
            case I32 -> { for (int i = 0; i < n; i++) dst[o + i] = (float) s.get(I32, off + 4L * i); }
            case U32 -> { for (int i = 0; i < n; i++) dst[o + i] = (float) Integer.toUnsignedLong(s.get(I32, off + 4L * i)); }
            case I64 -> { for (int i = 0; i < n; i++) dst[o + i] = (float) s.get(I64, off + 8L * i); }
            case U64 -> { for (int i = 0; i < n; i++) dst[o + i] = unsignedToFloat(s.get(I64, off + 8L * i)); }
            case F8_E4M3 -> { for (int i = 0; i < n; i++) dst[o + i] = Fp8.e4m3ToFloat(s.get(ValueLayout.JAVA_BYTE, off + i)); }
            case F8_E5M2 -> { for (int i = 0; i < n; i++) dst[o + i] = Fp8.e5m2ToFloat(s.get(ValueLayout.JAVA_BYTE, off + i)); }
            default -> throw new IllegalArgumentException("no plain decoder for " + type);
        }
    }

    /** Nearest float to an unsigned 64-bit value (ties to even). */
    static float unsignedToFloat(long v) {
        if (v >= 0) return (float) v;
        // Halve, keeping the dropped bit as a sticky bit so the single rounding step stays correct.
        return (float) ((v >>> 1) | (v & 1)) * 2f;
    }
}
