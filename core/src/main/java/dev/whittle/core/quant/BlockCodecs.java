package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/** Finds the codec of a block type and quantizes whole tensors. */
public final class BlockCodecs {
    private BlockCodecs() {}

    /** The codec for {@code type}, or empty if it is not a block type this package encodes. */
    public static Optional<BlockCodec> find(DType type) {
        return Optional.ofNullable(switch (type) {
            case Q4_0 -> Q4_0Codec.INSTANCE;
            case Q4_1 -> Q4_1Codec.INSTANCE;
            case Q5_0 -> Q5_0Codec.INSTANCE;
            case Q5_1 -> Q5_1Codec.INSTANCE;
            case Q8_0 -> Q8_0Codec.INSTANCE;
            case Q2_K -> Q2_KCodec.INSTANCE;
            case Q3_K -> Q3_KCodec.INSTANCE;
            case Q4_K -> Q4_KCodec.INSTANCE;
            case Q5_K -> Q5_KCodec.INSTANCE;
            case Q6_K -> Q6_KCodec.INSTANCE;
            case Q8_K -> Q8_KCodec.INSTANCE;
            default -> null;
        });
    }

    /** The codec for {@code type}; IllegalArgumentException for a plain type. */
    public static BlockCodec forType(DType type) {
        return find(type).orElseThrow(() -> new IllegalArgumentException(type + " is not a block-quantized type"));
    }

    /**
     * Quantizes {@code src} (any dtype; decoded row by row) to {@code target}, into a new segment allocated
     * in {@code arena}. The result keeps the name and shape; the row length must be a multiple of the block size.
     */
    public static Tensor quantize(Tensor src, DType target, Arena arena) {
        BlockCodec codec = forType(target);
        long rowLength = src.rowLength();
        if (rowLength % target.blockSize() != 0) {
            throw new IllegalArgumentException("cannot quantize " + src + " to " + target + ": row length " + rowLength
                    + " is not a multiple of the block size " + target.blockSize());
        }
        if (rowLength > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot quantize " + src + ": row of " + rowLength + " elements is too long");
        }
        long rows = src.rowCount();
        long rowBytes = target.byteSize(rowLength);
        long total = target.byteSize(src.elementCount());
        if (total < 0) throw new IllegalArgumentException("cannot quantize " + src + ": size overflows");
        MemorySegment dst = arena.allocate(Math.max(total, 1), 16).asSlice(0, total);
        float[] row = new float[(int) rowLength];
        for (long r = 0; r < rows; r++) {
            Dequantizer.dequantizeRow(src, r, row);
            codec.quantizeRow(row, 0, dst, r * rowBytes, row.length);
        }
        return new Tensor(src.name(), src.shape(), target, dst);
    }
}
