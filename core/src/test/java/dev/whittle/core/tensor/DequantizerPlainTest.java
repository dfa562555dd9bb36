package dev.whittle.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Plain (one element per block) dtypes: little-endian decoding and exact conversion to float. */
class DequantizerPlainTest {
    static float[] decode(DType type, int... bytes) {
        MemorySegment seg = Arena.ofAuto().allocate(bytes.length);
        for (int i = 0; i < bytes.length; i++) seg.set(ValueLayout.JAVA_BYTE, i, (byte) bytes[i]);
        return Dequantizer.toFloatArray(new Tensor("t", new long[] {bytes.length / type.blockBytes()}, type, seg));
    }

    @Test
    void floats() {
        // 1.5f = 0x3FC00000, -2f = 0xC0000000, little-endian.
        assertArrayEquals(new float[] {1.5f, -2f}, decode(DType.F32, 0, 0, 0xC0, 0x3F, 0, 0, 0, 0xC0));
        // F16 0x3C00 = 1, 0x0001 = 2^-24 (smallest subnormal), 0xFC00 = -inf, 0x7BFF = 65504.
        assertArrayEquals(new float[] {1f, 0x1p-24f, Float.NEGATIVE_INFINITY, 65504f},
                decode(DType.F16, 0x00, 0x3C, 0x01, 0x00, 0x00, 0xFC, 0xFF, 0x7B));
        // BF16 0x3F80 = 1, 0xC049 = -3.140625 (0xC0490000).
        assertArrayEquals(new float[] {1f, -3.140625f}, decode(DType.BF16, 0x80, 0x3F, 0x49, 0xC0));
        // F64 0.1 rounds to the nearest float; 0x3FB999999999999A.
        assertArrayEquals(new float[] {0.1f}, decode(DType.F64, 0x9A, 0x99, 0x99, 0x99, 0x99, 0x99, 0xB9, 0x3F));
    }

    @Test
    void integers() {
        assertArrayEquals(new float[] {-128f, 127f, -1f}, decode(DType.I8, 0x80, 0x7F, 0xFF));
        assertArrayEquals(new float[] {128f, 127f, 255f}, decode(DType.U8, 0x80, 0x7F, 0xFF));
        assertArrayEquals(new float[] {0f, 1f, 1f}, decode(DType.BOOL, 0, 1, 2));
        assertArrayEquals(new float[] {-32768f, 65535f - 65536f}, decode(DType.I16, 0x00, 0x80, 0xFF, 0xFF));
        assertArrayEquals(new float[] {32768f, 65535f}, decode(DType.U16, 0x00, 0x80, 0xFF, 0xFF));
        // 16777217 = 2^24 + 1 is a tie between two floats and rounds to the even one, 2^24.
        assertArrayEquals(new float[] {-2147483648f, 0x1p24f},
                decode(DType.I32, 0, 0, 0, 0x80, 0x01, 0x00, 0x00, 0x01));
        // U32 max 4294967295 rounds to 2^32.
        assertArrayEquals(new float[] {0x1p32f}, decode(DType.U32, 0xFF, 0xFF, 0xFF, 0xFF));
        assertArrayEquals(new float[] {-0x1p63f}, decode(DType.I64, 0, 0, 0, 0, 0, 0, 0, 0x80));
        // U64 max rounds to 2^64; 2^63 + 2^39 + 1 lies just above the midpoint between 2^63 and 2^63+2^40,
        // so it rounds up (a naive halving that drops the low bit would tie and round to even, down).
        assertArrayEquals(new float[] {0x1p64f}, decode(DType.U64, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));
        assertEquals(0x1p63f + 0x1p40f, Dequantizer.unsignedToFloat(Long.MIN_VALUE + (1L << 39) + 1));
        assertEquals(0x1p63f, Dequantizer.unsignedToFloat(Long.MIN_VALUE + (1L << 39)));
    }

    @Test
    void fp8() {
        // E4M3FN: 0x38 = 2^(7-7) = 1; 0x7E = 1.75*2^8 = 448 (max); 0x01 = 1/8 * 2^-6 = 2^-9; 0xB8 = -1;
        // 0x7F / 0xFF are the NaNs; 0x78 = 2^8 = 256 (exponent 15 is a normal exponent in the FN variant).
        float[] e4 = decode(DType.F8_E4M3, 0x38, 0x7E, 0x01, 0xB8, 0x7F, 0xFF, 0x78, 0x80);
        assertArrayEquals(new float[] {1f, 448f, 0x1p-9f, -1f}, java.util.Arrays.copyOf(e4, 4));
        assertTrue(Float.isNaN(e4[4]) && Float.isNaN(e4[5]));
        assertEquals(256f, e4[6]);
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(e4[7]));
        // E5M2: 0x3C = 1; 0x7B = 1.75*2^15 = 57344 (max); 0x7C = inf; 0x7F NaN; 0x01 = 2^-16.
        float[] e5 = decode(DType.F8_E5M2, 0x3C, 0x7B, 0x7C, 0x7F, 0x01);
        assertEquals(1f, e5[0]);
        assertEquals(57344f, e5[1]);
        assertEquals(Float.POSITIVE_INFINITY, e5[2]);
        assertTrue(Float.isNaN(e5[3]));
        assertEquals(0x1p-16f, e5[4]);
    }

    @Test
    void rowAccessorReadsTheRequestedRow() {
        // 2 rows of 32 Q8_0 elements; row r has d = 1 and quants r*32 + j - 64.
        MemorySegment seg = Arena.ofAuto().allocate(68);
        for (int r = 0; r < 2; r++) {
            seg.set(ValueLayout.JAVA_BYTE, 34L * r + 1, (byte) 0x3C);
            for (int j = 0; j < 32; j++) seg.set(ValueLayout.JAVA_BYTE, 34L * r + 2 + j, (byte) (r * 32 + j - 64));
        }
        Tensor t = new Tensor("w", new long[] {2, 32}, DType.Q8_0, seg);
        float[] row = new float[40];
        Dequantizer.dequantizeRow(t, 1, row);
        for (int j = 0; j < 32; j++) assertEquals(j - 32f, row[j]);
        float[] all = Dequantizer.toFloatArray(t);
        assertEquals(64, all.length);
        assertEquals(-64f, all[0]);
        assertEquals(-1f, all[63]);
        assertThrows(IllegalArgumentException.class, () -> Dequantizer.dequantizeRow(t, 2, row));
        assertThrows(IllegalArgumentException.class, () -> Dequantizer.dequantizeRow(t, 0, new float[31]));
    }

    @Test
    void misuseIsRejectedWithAClearMessage() {
        MemorySegment small = Arena.ofAuto().allocate(64);
        Tensor huge = new Tensor("huge", new long[] {1L << 31}, DType.F16, small);
        var e = assertThrows(IllegalArgumentException.class, () -> Dequantizer.toFloatArray(huge));
        assertTrue(e.getMessage().contains("huge") && e.getMessage().contains("2147483648"), e.getMessage());
        Tensor truncated = new Tensor("short", new long[] {64}, DType.F32, small);
        assertThrows(IllegalArgumentException.class, () -> Dequantizer.toFloatArray(truncated));
        float[] dst = new float[64];
        assertThrows(IllegalArgumentException.class, () -> Dequantizer.dequantizeRow(DType.Q4_0, small, 0, dst, 0, 33));
        assertThrows(IllegalArgumentException.class, () -> Dequantizer.dequantizeRow(DType.Q4_0, small, 50, dst, 0, 32));
        assertThrows(IllegalArgumentException.class, () -> Dequantizer.dequantizeRow(DType.Q4_0, small, 0, dst, 40, 32));
    }
}
