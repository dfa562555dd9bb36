package dev.whittle.core.convert;

import dev.whittle.core.quant.BlockCodec;
import dev.whittle.core.quant.BlockCodecs;
import dev.whittle.core.tensor.Bf16;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Half;
import dev.whittle.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;
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
            src.releasePages();
            return;
        }
        RowSource decoded = RowSource.of(src);
        write((r, dst) -> decoded.row(sourceRowFor.applyAsLong(r), dst), rows, Math.toIntExact(src.rowLength()), target, out);
        src.releasePages(); // the source is read once: keep resident memory at about one tensor
    }

    public static void write(Tensor src, DType target, WritableByteChannel out) throws IOException {
        write(src, target, r -> r, out);
    }

    /** Rows are encoded in batches of about this many bytes; the rows of a batch in parallel. */
    private static final int BATCH_BYTES = 1 << 20;

    /**
     * Encodes {@code rows} rows of {@code cols} floats produced by {@code source}. Rows are independent, so each
     * batch's rows are encoded on all cores (the source must be thread-safe: every RowSource here is); batches are
     * written in order, so the bytes do not depend on the thread count. Memory: one batch.
     */
    public static void write(RowSource source, long rows, int cols, DType target, WritableByteChannel out) throws IOException {
        if (!canEncode(target)) throw new IllegalArgumentException("cannot encode rows as " + target);
        long rowBytes0 = target.byteSize(cols);
        if (rowBytes0 < 0) throw new IllegalArgumentException("a row of " + cols + " is not a whole number of " + target + " blocks");
        int rowBytes = Math.toIntExact(rowBytes0);
        int batchRows = (int) Math.max(1, Math.min(rows, BATCH_BYTES / Math.max(1, rowBytes)));
        byte[] batch = new byte[batchRows * rowBytes];
        MemorySegment seg = MemorySegment.ofArray(batch);
        BlockCodec codec = BlockCodecs.find(target).orElse(null);
        for (long first = 0; first < rows; first += batchRows) {
            long base = first;
            int n = (int) Math.min(batchRows, rows - first);
            IntStream.range(0, n).parallel().forEach(i -> {
                float[] row = new float[cols];
                source.row(base + i, row);
                long off = (long) i * rowBytes;
                if (codec != null) codec.quantizeRow(row, 0, seg, off, cols);
                else encodeRow(row, target, seg, off);
            });
            ByteBuffer b = ByteBuffer.wrap(batch, 0, n * rowBytes);
            while (b.hasRemaining()) out.write(b);
        }
    }

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static void encodeRow(float[] row, DType target, MemorySegment seg, long off) {
        switch (target) {
            case F32 -> { for (int i = 0; i < row.length; i++) seg.set(F32_LE, off + 4L * i, row[i]); }
            case F16 -> { for (int i = 0; i < row.length; i++) seg.set(I16_LE, off + 2L * i, Half.fromFloat(row[i])); }
            case BF16 -> { for (int i = 0; i < row.length; i++) seg.set(I16_LE, off + 2L * i, Bf16.fromFloat(row[i])); }
            default -> throw new IllegalStateException("no encoder for " + target);
        }
    }
}
