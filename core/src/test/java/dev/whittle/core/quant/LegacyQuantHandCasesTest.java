package dev.whittle.core.quant;

import static dev.whittle.core.quant.QuantTestSupport.dequantize;
import static dev.whittle.core.quant.QuantTestSupport.quantize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.whittle.core.tensor.DType;
import org.junit.jupiter.api.Test;

/**
 * Blocks whose quantization can be worked out by hand from ggml's reference rules. (The same expectations
 * were confirmed against ggml's own quantize_row_*_ref during development.)
 */
class LegacyQuantHandCasesTest {
    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    static byte[] withTail(byte[] head, int total, int fill) {
        byte[] b = new byte[total];
        java.util.Arrays.fill(b, (byte) fill);
        System.arraycopy(head, 0, b, 0, head.length);
        return b;
    }

    @Test
    void q8_0RoundsTiesAwayFromZero() {
        // amax 127 -> d = 127/127 = 1 (f16 0x3C00), id = 1, q = roundf(x): ties go away from zero
        // (2.5 -> 3, -2.5 -> -3, 0.5 -> 1, -0.5 -> -1), 1.49 -> 1, -126.5 -> -127, 1.5 -> 2; zeros stay 0.
        float[] x = new float[32];
        float[] head = {127, 2.5f, -2.5f, 0.5f, -0.5f, 1.49f, -126.5f, 1.5f};
        System.arraycopy(head, 0, x, 0, head.length);
        byte[] expected = withTail(bytes(0x00, 0x3C, 127, 3, -3, 1, -1, 1, -127, 2), 34, 0);
        assertArrayEquals(expected, quantize(DType.Q8_0, x));
    }

    @Test
    void q4_0UsesTheSignedExtremeAsMinusEight() {
        // Largest magnitude is -8, so d = -8/-8 = 1 and q = min(15, trunc(x + 8.5)):
        // -8 -> 0, 7 -> 15, 7.6 -> 16 capped to 15, -7.5 -> 1, 0.49 -> 8, 0.5 -> 9, -0.5 -> 8, 3.2 -> 11, 0 -> 8.
        // Byte j = q[j] | q[j+16] << 4 and q[16..31] = 8.
        float[] x = new float[32];
        float[] head = {-8, 7, 7.6f, -7.5f, 0.49f, 0.5f, -0.5f, 3.2f};
        System.arraycopy(head, 0, x, 0, head.length);
        byte[] expected = withTail(bytes(0x00, 0x3C, 0x80, 0x8F, 0x8F, 0x81, 0x88, 0x89, 0x88, 0x8B), 18, 0x88);
        assertArrayEquals(expected, quantize(DType.Q4_0, x));

        // Largest magnitude +8: d = 8/-8 = -1 (0xBC00), q = trunc(-x + 8.5): 8 -> 0, -8 -> 16 -> 15, 0.5 -> 8, -0.5 -> 9.
        float[] y = new float[32];
        y[0] = 8;
        y[1] = -8;
        y[2] = 0.5f;
        y[3] = -0.5f;
        byte[] q = quantize(DType.Q4_0, y);
        assertArrayEquals(withTail(bytes(0x00, 0xBC, 0x80, 0x8F, 0x88, 0x89), 18, 0x88), q);
        float[] back = dequantize(DType.Q4_0, q);
        assertEquals(8f, back[0]);   // (0-8) * -1
        assertEquals(-7f, back[1]);  // (15-8) * -1: the opposite extreme is clipped
        assertEquals(-0f, back[2]);  // (8-8) * -1 is negative zero, as in ggml
        assertEquals(-1f, back[3]);
    }

    @Test
    void q4_1StoresMinAndRangeOverFifteen() {
        // min -1, max 2: d = 3/15 = 0.2 -> f16 0x3266 = 0.199951171875, m = -1 (0xBC00); id = 1/0.2f = 5.
        // q = min(15, trunc((x+1)*5 + 0.5)): -1 -> 0, 2 -> 15, 0.5 -> 8, 1.9 -> 15, 0 -> 5.
        float[] x = new float[32];
        x[0] = -1;
        x[1] = 2;
        x[2] = 0.5f;
        x[3] = 1.9f;
        byte[] q = quantize(DType.Q4_1, x);
        assertArrayEquals(withTail(bytes(0x66, 0x32, 0x00, 0xBC, 0x50, 0x5F, 0x58, 0x5F), 20, 0x55), q);
        float[] back = dequantize(DType.Q4_1, q);
        assertEquals(-1f, back[0]);
        assertEquals(15 * 0.199951171875f - 1f, back[1]); // 1.999267578125: the f16 scale loses a little
        assertEquals(8 * 0.199951171875f - 1f, back[2]);
        assertEquals(5 * 0.199951171875f - 1f, back[4]);
    }

    @Test
    void q5_0AndQ5_1OnExactGrids() {
        // x_i = i - 16: largest magnitude -16 -> d = 1, q = trunc(x + 16.5) = i. Low nibble of byte j is
        // element j, high nibble element j+16 (both j), 5th bits set for elements 16..31 -> qh 0xFFFF0000.
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) x[i] = i - 16;
        byte[] q50 = quantize(DType.Q5_0, x);
        byte[] expected = new byte[22];
        expected[1] = 0x3C;
        expected[4] = (byte) 0xFF;
        expected[5] = (byte) 0xFF;
        for (int j = 0; j < 16; j++) expected[6 + j] = (byte) (j | j << 4);
        assertArrayEquals(expected, q50);
        assertArrayEquals(x, dequantize(DType.Q5_0, q50));

        // x_i = i/2 - 4: min -4, max 11.5 -> d = 15.5/31 = 0.5 (0x3800), m = -4 (0xC400), q = i.
        float[] y = new float[32];
        for (int i = 0; i < 32; i++) y[i] = i * 0.5f - 4;
        byte[] q51 = quantize(DType.Q5_1, y);
        byte[] expected51 = new byte[24];
        expected51[1] = 0x38;
        expected51[3] = (byte) 0xC4;
        expected51[6] = (byte) 0xFF;
        expected51[7] = (byte) 0xFF;
        for (int j = 0; j < 16; j++) expected51[8 + j] = (byte) (j | j << 4);
        assertArrayEquals(expected51, q51);
        assertArrayEquals(y, dequantize(DType.Q5_1, q51));
    }

    @Test
    void degenerateBlocksBehaveLikeGgmlOnX86() {
        // Subnormal block: d = -1e-40/-8 is a subnormal float (stored as f16 +0), so id = 1/d = +inf and
        // x*id + 8.5 is -inf (or NaN for the zeros). ggml's float->int8 conversion yields 0x80000000 -> low byte 0
        // on x86-64, so every quant is 0 (Java's saturating (int) cast would have given 15).
        float[] x = new float[32];
        for (int i = 0; i < 8; i++) x[i] = -1e-40f;
        assertArrayEquals(new byte[18], quantize(DType.Q4_0, x));

        // A NaN is dropped by ggml's MAX(a, b) macro (a > b ? a : b) once a later element is compared, so
        // d = 127/127 = 1; the NaN's quant converts to 0.
        float[] y = new float[32];
        y[0] = Float.NaN;
        y[1] = 127;
        y[2] = -2.5f;
        assertArrayEquals(withTail(bytes(0x00, 0x3C, 0, 127, -3), 34, 0), quantize(DType.Q8_0, y));
    }
}
