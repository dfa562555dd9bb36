package dev.whittle.core.convert;

import dev.whittle.core.quant.BlockCodec;
import dev.whittle.core.quant.BlockCodecs;
import dev.whittle.core.tensor.Bf16;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Half;
import dev.whittle.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.function.LongUnaryOperator;

/**
 * Streams a tensor into a channel in another dtype, one row at a time, so converting a model needs memory for a
 * row, not a tensor. Rows may be reordered on the way ({@code sourceRowFor}: which source row goes at output row
 * r), which is how Q/K rows are permuted for GGUF without a copy. A row is the innermost dimension.
 */
public final class TensorEncoder {
    private TensorEncoder() {}

    /** Can {@code target} be produced from floats by this encoder? Floats, and GGUF blocks through ggml's reference quantizers. */
    public static boolean canEncode(DType target) {
        return target == DType.F32 || target == DType.F16 || target == DType.BF16 || BlockCodecs.find(target).isPresent();
    }

    /** Re-encodes a stored tensor; rows whose dtype already matches are copied verbatim. */
    public static void write(Tensor src, DType target, LongUnaryOperator sourceRowFor, WritableByteChannel out) throws IOException {
        long rows = src.rowCount();
        if (src.dtype() == target) {
            long rowBytes = rows == 0 ? 0 : src.byteSize() / rows;
            for (long r = 0; r < rows; r++) {
                ByteBuffer b = src.data().asSlice(sourceRowFor.applyAsLong(r) * rowBytes, rowBytes).asByteBuffer();
                while (b.hasRemaining()) out.write(b);
            }
            return;
        }
        RowSource decoded = RowSource.of(src);
        write((r, dst) -> decoded.row(sourceRowFor.applyAsLong(r), dst), rows, Math.toIntExact(src.rowLength()), target, out);
    }

    public static void write(Tensor src, DType target, WritableByteChannel out) throws IOException {
        write(src, target, r -> r, out);
    }

    /** Encodes {@code rows} rows of {@code cols} floats produced by {@code source}. */
    public static void write(RowSource source, long rows, int cols, DType target, WritableByteChannel out) throws IOException {
        if (!canEncode(target)) throw new IllegalArgumentException("cannot encode rows as " + target);
        long rowBytes = target.byteSize(cols);
        if (rowBytes < 0) throw new IllegalArgumentException("a row of " + cols + " is not a whole number of " + target + " blocks");
        float[] row = new float[cols];
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
        BlockCodec codec = BlockCodecs.find(target).orElse(null);
        MemorySegment blockRow = codec == null ? null : MemorySegment.ofBuffer(buf);
        for (long r = 0; r < rows; r++) {
            source.row(r, row);
            buf.clear();
            if (codec != null) {
                codec.quantizeRow(row, 0, blockRow, 0, cols);
                buf.position(buf.limit());
            } else {
                encodeRow(row, target, buf);
            }
            buf.flip();
            while (buf.hasRemaining()) out.write(buf);
        }
    }

    private static void encodeRow(float[] row, DType target, ByteBuffer buf) {
        switch (target) {
            case F32 -> { for (float v : row) buf.putFloat(v); }
            case F16 -> { for (float v : row) buf.putShort(Half.fromFloat(v)); }
            case BF16 -> { for (float v : row) buf.putShort(Bf16.fromFloat(v)); }
            default -> throw new IllegalStateException("no encoder for " + target);
        }
    }
}
