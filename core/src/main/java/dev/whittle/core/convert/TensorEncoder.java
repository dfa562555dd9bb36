package dev.whittle.core.convert;

import dev.whittle.core.tensor.Bf16;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Half;
import dev.whittle.core.tensor.Tensor;

import java.io.IOException;
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

    /** Can {@code target} be produced from any dtype by this encoder? */
    public static boolean canEncode(DType target) {
        return target == DType.F32 || target == DType.F16 || target == DType.BF16;
    }

    public static void write(Tensor src, DType target, LongUnaryOperator sourceRowFor, WritableByteChannel out) throws IOException {
        if (!canEncode(target)) throw new IllegalArgumentException("cannot encode " + src.name() + " as " + target);
        long rows = src.rowCount();
        int cols = Math.toIntExact(src.rowLength());
        long srcRowBytes = rows == 0 ? 0 : src.byteSize() / rows;
        boolean verbatim = src.dtype() == target;
        float[] row = new float[cols];
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(target.byteSize(cols))).order(ByteOrder.LITTLE_ENDIAN);
        for (long r = 0; r < rows; r++) {
            long s = sourceRowFor.applyAsLong(r);
            buf.clear();
            if (verbatim) {
                buf.put(src.data().asSlice(s * srcRowBytes, srcRowBytes).asByteBuffer());
            } else {
                Dequantizer.dequantizeRow(src, s, row);
                for (float v : row) {
                    switch (target) {
                        case F32 -> buf.putFloat(v);
                        case F16 -> buf.putShort(Half.fromFloat(v));
                        case BF16 -> buf.putShort(Bf16.fromFloat(v));
                        default -> throw new IllegalStateException();
                    }
                }
            }
            buf.flip();
            while (buf.hasRemaining()) out.write(buf);
        }
    }

    public static void write(Tensor src, DType target, WritableByteChannel out) throws IOException {
        write(src, target, r -> r, out);
    }
}
