package dev.whittle.core.tensor;

import java.util.Locale;
import java.util.Optional;

/**
 * Element types of tensors. Plain types have a block of one element; the GGUF block types pack
 * {@link #blockSize()} elements into {@link #blockBytes()} bytes, following ggml's {@code ggml-common.h}.
 * {@link #ggmlType()} is the id GGUF files use (-1 where GGUF has none); {@link #safetensorsName()} the
 * name in a SafeTensors header (null where SafeTensors has none).
 */
public enum DType {
    F32(1, 4, 0, "F32"),
    F16(1, 2, 1, "F16"),
    BF16(1, 2, 30, "BF16"),
    F64(1, 8, 28, "F64"),
    I8(1, 1, 24, "I8"),
    I16(1, 2, 25, "I16"),
    I32(1, 4, 26, "I32"),
    I64(1, 8, 27, "I64"),
    U8(1, 1, -1, "U8"),
    U16(1, 2, -1, "U16"),
    U32(1, 4, -1, "U32"),
    U64(1, 8, -1, "U64"),
    BOOL(1, 1, -1, "BOOL"),
    F8_E4M3(1, 1, -1, "F8_E4M3"),
    F8_E5M2(1, 1, -1, "F8_E5M2"),
    // GGUF block types: elements per block, bytes per block, ggml type id.
    Q4_0(32, 18, 2, null),    // f16 d; 16 bytes of 4-bit quants
    Q4_1(32, 20, 3, null),    // f16 d, f16 m; 16 bytes of 4-bit quants
    Q5_0(32, 22, 6, null),    // f16 d; 4 bytes high bits; 16 bytes low nibbles
    Q5_1(32, 24, 7, null),    // f16 d, f16 m; 4 bytes high bits; 16 bytes low nibbles
    Q8_0(32, 34, 8, null),    // f16 d; 32 int8
    Q2_K(256, 84, 10, null),  // 16 scale/min nibbles, 64 bytes 2-bit quants, f16 d, f16 dmin
    Q3_K(256, 110, 11, null), // 32 bytes high bits, 64 bytes 2-bit quants, 12 bytes 6-bit scales, f16 d
    Q4_K(256, 144, 12, null), // f16 d, f16 dmin, 12 bytes 6-bit scales/mins, 128 bytes nibbles
    Q5_K(256, 176, 13, null), // f16 d, f16 dmin, 12 bytes scales/mins, 32 bytes high bits, 128 bytes nibbles
    Q6_K(256, 210, 14, null), // 128 bytes low nibbles, 64 bytes high 2 bits, 16 int8 scales, f16 d
    Q8_K(256, 292, 15, null); // f32 d, 256 int8, 16 int16 block sums (an intermediate type in ggml)

    private final int blockSize;
    private final int blockBytes;
    private final int ggmlType;
    private final String safetensorsName;

    DType(int blockSize, int blockBytes, int ggmlType, String safetensorsName) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
        this.ggmlType = ggmlType;
        this.safetensorsName = safetensorsName;
    }

    public int blockSize() { return blockSize; }

    public int blockBytes() { return blockBytes; }

    public int ggmlType() { return ggmlType; }

    public String safetensorsName() { return safetensorsName; }

    public boolean isBlockQuantized() { return blockSize > 1; }

    public boolean isFloat() { return this == F32 || this == F16 || this == BF16 || this == F64 || this == F8_E4M3 || this == F8_E5M2; }

    /** Average storage bits per element (4.5 for Q4_0). */
    public double bitsPerWeight() { return 8.0 * blockBytes / blockSize; }

    /**
     * Bytes needed to store {@code elements} elements; -1 if the count is not a whole number of blocks.
     * Overflow-safe: returns -1 for counts whose byte size exceeds a long.
     */
    public long byteSize(long elements) {
        if (elements < 0 || elements % blockSize != 0) return -1;
        long blocks = elements / blockSize;
        if (blocks > Long.MAX_VALUE / blockBytes) return -1;
        return blocks * blockBytes;
    }

    public static Optional<DType> fromGgmlType(long id) {
        for (DType t : values()) if (t.ggmlType == id && id >= 0) return Optional.of(t);
        return Optional.empty();
    }

    public static Optional<DType> fromSafetensorsName(String name) {
        for (DType t : values()) if (name.equals(t.safetensorsName)) return Optional.of(t);
        return Optional.empty();
    }

    /** Parses a user-facing name ("q4_0", "f16", "Q4_K"). */
    public static Optional<DType> parse(String name) {
        try {
            return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
