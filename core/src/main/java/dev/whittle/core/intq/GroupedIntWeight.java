package dev.whittle.core.intq;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A Linear weight [rows = out, cols = in] stored group-wise as b-bit integers, exactly as a compressed-tensors
 * "pack-quantized" checkpoint holds it (see {@link IntPacking} for the bit layout):
 * <ul>
 * <li>{@code packed}: int32 [rows, ceil(cols / (32/b))], each row's codes packed along the row;</li>
 * <li>{@code scales}: [rows, groups] in {@code scaleType} (F16, BF16 or F32), groups = ceil(cols / groupSize);</li>
 * <li>{@code zeroPoints}: null when symmetric, else int32 [ceil(rows / (32/b)), groups] holding the signed zero
 * points packed along the rows (dim 0), as compressed-tensors packs them.</li>
 * </ul>
 * Dequantized weight: {@code w[r][c] = (q[r][c] − zp[r][g]) · scale[r][g]} with {@code g = c / groupSize}.
 * {@code groupSize} is the effective group length: {@code cols} for per-channel weights.
 */
public record GroupedIntWeight(String name, int rows, int cols, int bits, int groupSize, boolean symmetric,
                               MemorySegment packed, MemorySegment scales, DType scaleType, MemorySegment zeroPoints) {
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public GroupedIntWeight {
        IntPacking.checkBits(bits);
        if (rows <= 0 || cols <= 0) throw new IllegalArgumentException(name + ": non-positive shape " + rows + "×" + cols);
        if (groupSize <= 0 || groupSize > cols) throw new IllegalArgumentException(name + ": group size " + groupSize + " outside 1.." + cols);
        if (scaleType != DType.F16 && scaleType != DType.BF16 && scaleType != DType.F32)
            throw new IllegalArgumentException(name + ": scales must be F16, BF16 or F32, got " + scaleType);
        if (symmetric != (zeroPoints == null)) throw new IllegalArgumentException(name + ": zero points must be given exactly when asymmetric");
        long groups = (cols + groupSize - 1) / groupSize;
        long needPacked = 4L * rows * IntPacking.wordsFor(cols, bits);
        long needScales = scaleType.byteSize(groups * rows);
        if (packed.byteSize() != needPacked) throw new IllegalArgumentException(name + ": packed weights hold " + packed.byteSize() + " bytes, need " + needPacked);
        if (scales.byteSize() != needScales) throw new IllegalArgumentException(name + ": scales hold " + scales.byteSize() + " bytes, need " + needScales);
        if (zeroPoints != null && zeroPoints.byteSize() != 4L * IntPacking.wordsFor(rows, bits) * groups)
            throw new IllegalArgumentException(name + ": zero points hold " + zeroPoints.byteSize() + " bytes, need " + 4L * IntPacking.wordsFor(rows, bits) * groups);
    }

    public int packFactor() {
        return 32 / bits;
    }

    /** int32 words per packed row. */
    public int packedCols() {
        return IntPacking.wordsFor(cols, bits);
    }

    public int groupCount() {
        return (cols + groupSize - 1) / groupSize;
    }

    public boolean perChannel() {
        return groupSize == cols;
    }

    public IntScheme scheme() {
        return new IntScheme(bits, perChannel() ? 0 : groupSize, symmetric, scaleType);
    }

    /** The packed word at (row, word). */
    public int word(int row, int w) {
        return packed.get(I32, 4L * ((long) row * packedCols() + w));
    }

    /** Signed quantized value at (row, col). */
    public int quant(int row, int col) {
        int pf = packFactor();
        return ((word(row, col / pf) >>> (bits * (col % pf))) & IntPacking.mask(bits)) - IntPacking.offset(bits);
    }

    public float scale(int row, int group) {
        long i = (long) row * groupCount() + group;
        return switch (scaleType) {
            case F16 -> Float.float16ToFloat(scales.get(I16, 2 * i));
            case BF16 -> Float.intBitsToFloat((scales.get(I16, 2 * i) & 0xffff) << 16);
            default -> scales.get(F32, 4 * i);
        };
    }

    /** Signed zero point of (row, group); 0 when symmetric. */
    public int zeroPoint(int row, int group) {
        if (zeroPoints == null) return 0;
        int pf = packFactor();
        int w = zeroPoints.get(I32, 4L * ((long) (row / pf) * groupCount() + group));
        return ((w >>> (bits * (row % pf))) & IntPacking.mask(bits)) - IntPacking.offset(bits);
    }

    /** Writes the dequantized row into dst[0, cols), in float: (q − zp) · scale. */
    public void dequantizeRow(int row, float[] dst) {
        for (int g = 0, groups = groupCount(); g < groups; g++) {
            float s = scale(row, g);
            int z = zeroPoint(row, g);
            for (int c = g * groupSize, end = Math.min(cols, c + groupSize); c < end; c++) dst[c] = (quant(row, c) - z) * s;
        }
    }

    /** The whole weight dequantized to an F32 tensor [rows, cols] allocated in {@code arena}. */
    public Tensor dequantize(Arena arena) {
        MemorySegment out = arena.allocate(4L * rows * cols, 4);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            dequantizeRow(r, row);
            MemorySegment.copy(row, 0, out, F32, 4L * r * cols, cols);
        }
        return new Tensor(name, new long[] {rows, cols}, DType.F32, out);
    }
}
