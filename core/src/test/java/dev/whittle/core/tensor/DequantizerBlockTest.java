package dev.whittle.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * Hand-built blocks of every GGUF block type. Scales are powers of two and quants small integers, so every
 * expected value is exact. Each test states the element-to-bit mapping from ggml-common.h's block definition
 * independently of {@link BlockDecoder}'s loop structure, computes the expected floats from it, and also pins a
 * few values worked out by hand.
 */
class DequantizerBlockTest {
    // binary16 bit patterns: 1.0, 0.5, 0.25, 0.125, -1.0, 2.0
    static final int H_ONE = 0x3C00, H_HALF = 0x3800, H_QUARTER = 0x3400, H_EIGHTH = 0x3000, H_MINUS_ONE = 0xBC00, H_TWO = 0x4000;

    static float[] decode(DType type, byte[] block) {
        MemorySegment seg = Arena.ofAuto().allocate(block.length + 3);
        // Start at an odd offset: decoding must not depend on alignment.
        MemorySegment.copy(block, 0, seg, ValueLayout.JAVA_BYTE, 3, block.length);
        float[] out = new float[type.blockSize() + 2];
        Dequantizer.dequantizeRow(type, seg, 3, out, 1, type.blockSize());
        assertEquals(0f, out[0]);
        assertEquals(0f, out[out.length - 1]);
        float[] y = new float[type.blockSize()];
        System.arraycopy(out, 1, y, 0, y.length);
        return y;
    }

    static void putHalf(byte[] b, int off, int bits) {
        b[off] = (byte) bits;
        b[off + 1] = (byte) (bits >>> 8);
    }

    @Test
    void q4_0() {
        // d=0.5; byte j holds element j (low nibble) and element j+16 (high nibble); value (q-8)*d.
        byte[] b = new byte[18];
        putHalf(b, 0, H_HALF);
        for (int j = 0; j < 16; j++) b[2 + j] = (byte) (j | (15 - j) << 4);
        float[] expected = new float[32];
        for (int j = 0; j < 16; j++) {
            expected[j] = (j - 8) * 0.5f;
            expected[j + 16] = (15 - j - 8) * 0.5f;
        }
        float[] y = decode(DType.Q4_0, b);
        assertArrayEquals(expected, y);
        assertEquals(-4f, y[0]);   // nibble 0  -> (0-8)*0.5
        assertEquals(3.5f, y[15]); // nibble 15 -> (15-8)*0.5
        assertEquals(3.5f, y[16]); // high nibble of byte 0 is 15
    }

    @Test
    void q4_1() {
        // d=0.25, m=-1; value q*d + m.
        byte[] b = new byte[20];
        putHalf(b, 0, H_QUARTER);
        putHalf(b, 2, H_MINUS_ONE);
        for (int j = 0; j < 16; j++) b[4 + j] = (byte) (j | (15 - j) << 4);
        float[] expected = new float[32];
        for (int j = 0; j < 16; j++) {
            expected[j] = j * 0.25f - 1f;
            expected[j + 16] = (15 - j) * 0.25f - 1f;
        }
        float[] y = decode(DType.Q4_1, b);
        assertArrayEquals(expected, y);
        assertEquals(-1f, y[0]);
        assertEquals(2.75f, y[15]);
    }

    @Test
    void q5_0() {
        // d=1; qh (little-endian u32) bit i is the 5th bit of element i; value (q-16)*d.
        // qh = 0x80000001: only elements 0 and 31 have the high bit.
        byte[] b = new byte[22];
        putHalf(b, 0, H_ONE);
        b[2] = 0x01;
        b[5] = (byte) 0x80;
        for (int j = 0; j < 16; j++) b[6 + j] = (byte) (j | j << 4);
        float[] y = decode(DType.Q5_0, b);
        for (int e = 0; e < 32; e++) {
            int q = (e % 16) | ((e == 0 || e == 31) ? 16 : 0);
            assertEquals(q - 16f, y[e], "element " + e);
        }
        assertEquals(0f, y[0]);   // 0 | 16 -> 0
        assertEquals(-15f, y[1]); // 1 -> -15
        assertEquals(15f, y[31]); // 15 | 16 = 31 -> 15
    }

    @Test
    void q5_1() {
        // d=0.5, m=2; qh=0xAAAAAAAA gives odd elements the high bit; every low nibble 3 (elements 0-15), 12 (16-31).
        byte[] b = new byte[24];
        putHalf(b, 0, H_HALF);
        putHalf(b, 2, H_TWO);
        for (int i = 0; i < 4; i++) b[4 + i] = (byte) 0xAA;
        for (int j = 0; j < 16; j++) b[8 + j] = (byte) (3 | 12 << 4);
        float[] y = decode(DType.Q5_1, b);
        for (int e = 0; e < 32; e++) {
            int q = (e < 16 ? 3 : 12) + (e % 2 == 1 ? 16 : 0);
            assertEquals(q * 0.5f + 2f, y[e], "element " + e);
        }
        assertEquals(3.5f, y[0]);  // 3*0.5+2
        assertEquals(11.5f, y[1]); // 19*0.5+2
        assertEquals(16f, y[31]);  // 28*0.5+2
    }

    @Test
    void q8_0() {
        // d=0.125; int8 quants 8j-128; value q*d = j-16.
        byte[] b = new byte[34];
        putHalf(b, 0, H_EIGHTH);
        for (int j = 0; j < 32; j++) b[2 + j] = (byte) (8 * j - 128);
        float[] y = decode(DType.Q8_0, b);
        for (int j = 0; j < 32; j++) assertEquals(j - 16f, y[j]);
    }

    @Test
    void q8_K() {
        // f32 d=0.5 (little-endian 0x3F000000); int8 quants j-128; 16 int16 sums are not read when dequantizing.
        byte[] b = new byte[292];
        b[3] = 0x3F;
        for (int j = 0; j < 256; j++) b[4 + j] = (byte) (j - 128);
        float[] y = decode(DType.Q8_K, b);
        for (int j = 0; j < 256; j++) assertEquals((j - 128) * 0.5f, y[j]);
    }

    @Test
    void q2_K() {
        // Layout: scales[16] @0 (low nibble = scale, high nibble = min of sub-block e/16), qs[64] @16,
        // d @80, dmin @82. Element e: byte qs[32*(e/128) + e%32], bits at shift 2*((e%128)/32).
        // Value d*scale*q - dmin*min.
        byte[] b = new byte[84];
        for (int s = 0; s < 16; s++) b[s] = (byte) ((s % 4 + 1) | (s % 3) << 4);
        for (int k = 0; k < 64; k++) b[16 + k] = (byte) (k * 37 + 11);
        putHalf(b, 80, H_ONE);
        putHalf(b, 82, H_HALF);
        float[] y = decode(DType.Q2_K, b);
        for (int e = 0; e < 256; e++) {
            int s = e / 16;
            int q = ((b[16 + 32 * (e / 128) + e % 32] & 0xFF) >>> (2 * ((e % 128) / 32))) & 3;
            float expected = 1f * (s % 4 + 1) * q - 0.5f * (s % 3);
            assertEquals(expected, y[e], "element " + e);
        }
        // e=0: qs[0]=11=0b1011 -> q=3, scale 1, min 0 -> 3.
        assertEquals(3f, y[0]);
        // e=32: same byte, shift 2 -> q=2; sub-block 2: scale 3, min 2 -> 6 - 1 = 5.
        assertEquals(5f, y[32]);
    }

    @Test
    void q3_K() {
        // Layout: hmask[32] @0, qs[64] @32, scales[12] @96, d @108. Sub-block j (=e/16) has a 6-bit scale:
        // low 4 bits in byte j (j<8, low nibble) or byte j-8 (high nibble), top 2 bits in byte 8+j%4 at shift
        // 2*(j/4); the signed scale is that minus 32. Element e: low 2 bits as Q2_K (byte 32*(e/128)+e%32 of
        // qs, shift 2*((e%128)/32)), high bit = bit (e/32) of hmask[e%32]; q = low - (high ? 0 : 4).
        byte[] b = new byte[110];
        int[] six = new int[16];
        for (int j = 0; j < 16; j++) six[j] = (j * 13 + 5) % 64;
        for (int j = 0; j < 16; j++) {
            if (j < 8) b[96 + j] |= (byte) (six[j] & 0xF);
            else b[96 + j - 8] |= (byte) ((six[j] & 0xF) << 4);
            b[96 + 8 + j % 4] |= (byte) ((six[j] >>> 4) << (2 * (j / 4)));
        }
        for (int k = 0; k < 32; k++) b[k] = (byte) (k * 7 + 3);
        for (int k = 0; k < 64; k++) b[32 + k] = (byte) (255 - k * 5);
        putHalf(b, 108, H_QUARTER);
        float[] y = decode(DType.Q3_K, b);
        for (int e = 0; e < 256; e++) {
            int low = ((b[32 + 32 * (e / 128) + e % 32] & 0xFF) >>> (2 * ((e % 128) / 32))) & 3;
            boolean high = ((b[e % 32] >>> (e / 32)) & 1) != 0;
            int q = low - (high ? 0 : 4);
            assertEquals(0.25f * (six[e / 16] - 32) * q, y[e], "element " + e);
        }
        // e=0: scale six[0]=5 -> -27; qs[32]=255 -> low 3; hmask[0]=3, bit 0 set -> q=3; 0.25*-27*3 = -20.25.
        assertEquals(-20.25f, y[0]);
    }

    /** Q4_K/Q5_K 6-bit scale/min packing written straight from the block definition. */
    static void packScales(byte[] b, int off, int[] sc, int[] m) {
        for (int j = 0; j < 4; j++) {
            b[off + j] = (byte) (sc[j] | (sc[j + 4] >>> 4) << 6);
            b[off + 4 + j] = (byte) (m[j] | (m[j + 4] >>> 4) << 6);
            b[off + 8 + j] = (byte) ((sc[j + 4] & 0xF) | (m[j + 4] & 0xF) << 4);
        }
    }

    @Test
    void q4_K() {
        // Layout: d @0, dmin @2, scales[12] @4, qs[128] @16. Sub-block j = e/32; element e's nibble is in
        // qs[32*(e/64) + e%32], low nibble when (e%64) < 32. Value d*sc*q - dmin*m.
        byte[] b = new byte[144];
        putHalf(b, 0, H_HALF);
        putHalf(b, 2, H_QUARTER);
        int[] sc = {0, 9, 18, 27, 36, 45, 54, 63};
        int[] m = {63, 55, 47, 39, 31, 23, 15, 7};
        packScales(b, 4, sc, m);
        for (int k = 0; k < 128; k++) b[16 + k] = (byte) (k * 29 + 1);
        float[] y = decode(DType.Q4_K, b);
        for (int e = 0; e < 256; e++) {
            int j = e / 32;
            int byteVal = b[16 + 32 * (e / 64) + e % 32] & 0xFF;
            int q = (e % 64) < 32 ? byteVal & 0xF : byteVal >>> 4;
            assertEquals(0.5f * sc[j] * q - 0.25f * m[j], y[e], "element " + e);
        }
        // e=255: sub-block 7 (sc 63, m 7); qs[16+127] = (127*29+1)&0xFF = 0x64 -> high nibble 6 -> 189-1.75.
        assertEquals(187.25f, y[255]);
    }

    @Test
    void q5_K() {
        // As Q4_K with qh[32] @16 and qs @48; the 5th bit of element e is bit (e/32) of qh[e%32].
        byte[] b = new byte[176];
        putHalf(b, 0, H_HALF);
        putHalf(b, 2, H_QUARTER);
        int[] sc = {63, 1, 2, 40, 17, 33, 48, 5};
        int[] m = {0, 62, 31, 16, 63, 8, 4, 2};
        packScales(b, 4, sc, m);
        for (int k = 0; k < 32; k++) b[16 + k] = (byte) (k * 41 + 7);
        for (int k = 0; k < 128; k++) b[48 + k] = (byte) (k * 29 + 1);
        float[] y = decode(DType.Q5_K, b);
        for (int e = 0; e < 256; e++) {
            int j = e / 32;
            int byteVal = b[48 + 32 * (e / 64) + e % 32] & 0xFF;
            int q = ((e % 64) < 32 ? byteVal & 0xF : byteVal >>> 4) + 16 * ((b[16 + e % 32] >>> j) & 1);
            assertEquals(0.5f * sc[j] * q - 0.25f * m[j], y[e], "element " + e);
        }
        // e=0: qs[0]=1 -> 1, qh[0]=7 bit 0 -> +16: q=17; 0.5*63*17 - 0 = 535.5.
        assertEquals(535.5f, y[0]);
    }

    @Test
    void q6_K() {
        // Layout: ql[128] @0, qh[64] @128, int8 scales[16] @192, d @208. Element e: half h=e/128, k=(e%128)/32,
        // l=e%32; low nibble from ql[64h + 32*(k%2) + l] (low nibble for k<2, high for k>=2); top 2 bits
        // from qh[32h + l] at shift 2k. Value d*scale[e/16]*(q-32).
        byte[] b = new byte[210];
        for (int k = 0; k < 128; k++) b[k] = (byte) (k * 53 + 9);
        for (int k = 0; k < 64; k++) b[128 + k] = (byte) (k * 71 + 2);
        int[] sc = new int[16];
        for (int j = 0; j < 16; j++) {
            sc[j] = j * 9 - 70;
            b[192 + j] = (byte) sc[j];
        }
        putHalf(b, 208, H_EIGHTH);
        float[] y = decode(DType.Q6_K, b);
        for (int e = 0; e < 256; e++) {
            int h = e / 128, k = (e % 128) / 32, l = e % 32;
            int lowByte = b[64 * h + 32 * (k % 2) + l] & 0xFF;
            int nib = k < 2 ? lowByte & 0xF : lowByte >>> 4;
            int top = ((b[128 + 32 * h + l] & 0xFF) >>> (2 * k)) & 3;
            int q = (nib | top << 4) - 32;
            assertEquals(0.125f * sc[e / 16] * q, y[e], "element " + e);
        }
        // e=0: ql[0]=9, qh[0]=2 -> q = (9 | 2<<4) - 32 = 9; scale -70 -> 0.125*-70*9 = -78.75.
        assertEquals(-78.75f, y[0]);
    }
}
