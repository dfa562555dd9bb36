package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Test-side dequantizer written element by element from the format definitions (ggml-common.h block
 * structs), independent of the kernels' loop structure: {@link #element} returns weight e of a block in double.
 */
final class SpecDequant {
    private SpecDequant() {}

    static double element(DType type, MemorySegment s, long block, int e) {
        return switch (type) {
            case F32 -> s.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), block);
            case F16 -> half(s, block);
            case BF16 -> Float.intBitsToFloat((u8(s, block) | u8(s, block + 1) << 8) << 16);
            case Q8_0 -> half(s, block) * s.get(ValueLayout.JAVA_BYTE, block + 2 + e);
            case Q4_0 -> half(s, block) * (nibble(s, block + 2, e) - 8);
            case Q4_1 -> half(s, block) * nibble(s, block + 4, e) + half(s, block + 2);
            case Q5_0 -> half(s, block) * (nibble(s, block + 6, e) + 16 * bit(s, block + 2, e) - 16);
            case Q5_1 -> half(s, block) * (nibble(s, block + 8, e) + 16 * bit(s, block + 4, e)) + half(s, block + 2);
            case Q4_K -> {
                int sub = e / 32;
                int q = kNibble(s, block + 16, e);
                yield half(s, block) * kScale(s, block + 4, sub) * q - half(s, block + 2) * kMin(s, block + 4, sub);
            }
            case Q5_K -> {
                int sub = e / 32;
                // high bit of element e: bit (e / 32) of qh[e % 32]
                int q = kNibble(s, block + 48, e) + 16 * ((u8(s, block + 16 + e % 32) >> sub) & 1);
                yield half(s, block) * kScale(s, block + 4, sub) * q - half(s, block + 2) * kMin(s, block + 4, sub);
            }
            case Q6_K -> {
                // 128-element halves; within one, element l + 32k: low 4 bits from ql (k 0/1 low nibble of
                // ql[l], ql[l+32]; k 2/3 high nibble), high 2 bits at bit 2k of qh[l]; scale per 16 elements.
                int half = e / 128, i = e % 128, k = i / 32, l = i % 32;
                int ql = u8(s, block + 64L * half + l + (k % 2) * 32);
                int low = k < 2 ? ql & 15 : ql >> 4;
                int high = (u8(s, block + 128 + 32L * half + l) >> (2 * k)) & 3;
                int sc = s.get(ValueLayout.JAVA_BYTE, block + 192 + e / 16);
                yield half(s, block + 208) * sc * ((low | high << 4) - 32);
            }
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    /** Row-major float matvec in double: out[t][r] = sum_c W[r][c] * x[t][c]; also returns sum |W x| terms. */
    static double[][] matvec(DType type, MemorySegment w, int rows, int cols, float[] x, int n) {
        double[][] res = new double[2][n * rows];
        long rowBytes = type.byteSize(cols);
        for (int r = 0; r < rows; r++) {
            double[] row = new double[cols];
            for (int c = 0; c < cols; c++) {
                long block = r * rowBytes + (long) (c / type.blockSize()) * type.blockBytes();
                row[c] = element(type, w, block, c % type.blockSize());
            }
            for (int t = 0; t < n; t++) {
                double sum = 0, abs = 0;
                for (int c = 0; c < cols; c++) {
                    double p = row[c] * x[t * cols + c];
                    sum += p;
                    abs += Math.abs(p);
                }
                res[0][t * rows + r] = sum;
                res[1][t * rows + r] = abs;
            }
        }
        return res;
    }

    private static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    private static double half(MemorySegment s, long off) {
        return Float.float16ToFloat((short) (u8(s, off) | u8(s, off + 1) << 8));
    }

    /** 32-element blocks: elements 0..15 are low nibbles of qs[0..15], 16..31 the high nibbles. */
    private static int nibble(MemorySegment s, long qs, int e) {
        int b = u8(s, qs + e % 16);
        return e < 16 ? b & 15 : b >> 4;
    }

    /** Bit e of the little-endian 32-bit word at qh. */
    private static int bit(MemorySegment s, long qh, int e) {
        return (u8(s, qh + e / 8) >> (e % 8)) & 1;
    }

    /** K blocks: 64-element groups; within one, elements 0..31 low nibbles of qs[32g ..], 32..63 high nibbles. */
    private static int kNibble(MemorySegment s, long qs, int e) {
        int g = e / 64, i = e % 64;
        int b = u8(s, qs + 32L * g + i % 32);
        return i < 32 ? b & 15 : b >> 4;
    }

    /**
     * The 12 scale bytes hold eight 6-bit scales and eight 6-bit mins: for sub-blocks 0..3, scale = low 6 bits
     * of byte j, min = low 6 bits of byte j+4; for 4..7, the low 4 bits come from byte j+4 (scale: low
     * nibble, min: high nibble) and the top 2 bits from the top bits of bytes j-4 (scale) and j (min).
     */
    private static int kScale(MemorySegment s, long sc, int j) {
        if (j < 4) return u8(s, sc + j) & 63;
        return (u8(s, sc + j + 4) & 15) | (u8(s, sc + j - 4) >> 6) << 4;
    }

    private static int kMin(MemorySegment s, long sc, int j) {
        if (j < 4) return u8(s, sc + j + 4) & 63;
        return (u8(s, sc + j + 4) >> 4) | (u8(s, sc + j) >> 6) << 4;
    }
}
