package dev.whittle.core.quant;

import static dev.whittle.core.quant.QuantTestSupport.dequantize;
import static dev.whittle.core.quant.QuantTestSupport.gaussian;
import static dev.whittle.core.quant.QuantTestSupport.quantize;
import static dev.whittle.core.quant.QuantTestSupport.u16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.KQuantScales;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties ggml's reference quantizers have by construction, plus the k-quant cases simple enough to work
 * out by hand. (Byte-identity with ggml itself was established during development against compiled ggml;
 * these tests pin the consequences.)
 */
class QuantInvariantsTest {
    static List<DType> blockTypes() {
        return Arrays.stream(DType.values()).filter(DType::isBlockQuantized).toList();
    }

    /** Byte ranges of the super-block scales (f16, or f32 for Q8_K) of each type. */
    static int[] scaleBytes(DType t) {
        return switch (t) {
            case Q4_0, Q5_0, Q8_0 -> new int[] {0, 2};
            case Q4_1, Q5_1, Q4_K, Q5_K, Q8_K -> new int[] {0, 4};
            case Q2_K -> new int[] {80, 84};
            case Q3_K -> new int[] {108, 110};
            case Q6_K -> new int[] {208, 210};
            default -> throw new IllegalArgumentException(t.name());
        };
    }

    @Test
    void q8_KRampRoundsTiesToEven() {
        // x_i = i - 128: the extreme is -128, iscale = -127/-128 = 0.9921875 exactly, q_i = nearest_int(iscale*x_i)
        // with ties to even: x=-64 -> -63.5 -> -64, x=64 -> 63.5 -> 64. d = 1/iscale stored as f32.
        float[] x = new float[256];
        for (int i = 0; i < 256; i++) x[i] = i - 128;
        byte[] q = quantize(DType.Q8_K, x);
        assertEquals(1f / 0.9921875f, Float.intBitsToFloat(u16(q, 0) | u16(q, 2) << 16));
        assertEquals(-127, q[4]);
        assertEquals(-64, q[4 + 64]);
        assertEquals(0, q[4 + 128]);
        assertEquals(1, q[4 + 129]);
        assertEquals(64, q[4 + 192]);
        assertEquals(126, q[4 + 255]);
        // bsums: group 0 is x = -k for k = 128..113, each rounds to -k+1 (k/128 > 1/2 is added back), so
        // the sum is -(113+...+128) + 16 = -1912. Every group's sum equals the sum of its quants.
        assertEquals(-1912, (short) u16(q, 260));
        for (int g = 0; g < 16; g++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) sum += q[4 + 16 * g + i];
            assertEquals(sum, (short) u16(q, 260 + 2 * g), "group " + g);
        }
    }

    @Test
    void q6_KConstantBlock() {
        // All ones: each group's extreme is 1, iscale = -32, l = -32 for all (stored 0); the least-squares scale
        // is 16*(-32)/(16*1024) = -1/32 and the scale search only finds ties (sumlx^2/suml2 = 16 for any constant
        // l), so every group keeps -1/32. Then iscale = -128/(-1/32) = 4096, d = 2^-12 (f16 0x0C00), each int8
        // scale nearest_int(4096 * -1/32) = -128, and the quants are nearest_int(1 / (2^-12 * -128)) = -32,
        // stored 0. Decoding gives 2^-12 * -128 * (0 - 32) = 1 exactly.
        float[] x = new float[256];
        Arrays.fill(x, 1f);
        byte[] q = quantize(DType.Q6_K, x);
        byte[] expected = new byte[210];
        Arrays.fill(expected, 192, 208, (byte) 0x80);
        expected[209] = 0x0C;
        assertArrayEquals(expected, q);
        assertArrayEquals(x, dequantize(DType.Q6_K, q));
    }

    @ParameterizedTest
    @MethodSource("blockTypes")
    void zeroBlocksDecodeToZero(DType type) {
        float[] x = new float[512];
        byte[] q = quantize(type, x);
        for (float v : dequantize(type, q)) assertEquals(0f, v, 0f);
        // Q4_0/Q5_0 compute d = 0/-8 = -0 and store the mid quant; everyone else writes all-zero bytes.
        if (type != DType.Q4_0 && type != DType.Q5_0) assertArrayEquals(new byte[q.length], q, type.name());
    }

    @ParameterizedTest
    @MethodSource("blockTypes")
    void scalingByAPowerOfTwoOnlyScalesTheSuperScale(DType type) {
        // Every decision in the reference algorithms compares ratios, and multiplying by 4 is exact in
        // binary floating point, so the quants and sub-scales must be bytewise unchanged and the decoded
        // values exactly 4x (as long as the f16 super-scales stay normal, which they do for N(0,1) data).
        float[] x = gaussian(11, 1024);
        float[] x4 = new float[x.length];
        for (int i = 0; i < x.length; i++) x4[i] = 4 * x[i];
        byte[] q = quantize(type, x);
        byte[] q4 = quantize(type, x4);
        int[] scale = scaleBytes(type);
        int bb = type.blockBytes();
        for (int i = 0; i < q.length; i++) {
            int inBlock = i % bb;
            if (inBlock < scale[0] || inBlock >= scale[1]) assertEquals(q[i], q4[i], type + " byte " + i);
        }
        float[] y = dequantize(type, q);
        float[] y4 = dequantize(type, q4);
        for (int i = 0; i < y.length; i++) assertEquals(4 * y[i], y4[i], 0f, type + " element " + i);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q8_0", "Q4_0", "Q5_0", "Q6_K", "Q8_K"})
    void symmetricTypesCommuteWithNegation(DType type) {
        // These scale by the signed extreme (or by |x|max with a symmetric rounding), so negating the input
        // negates the decoded values exactly. (Q3_K is not in the list: its refinement loop only runs when
        // the running sum has one sign, so ggml's Q3_K is not negation-symmetric.)
        float[] x = gaussian(12, 1024);
        float[] neg = new float[x.length];
        for (int i = 0; i < x.length; i++) neg[i] = -x[i];
        float[] y = dequantize(type, quantize(type, x));
        float[] yn = dequantize(type, quantize(type, neg));
        for (int i = 0; i < y.length; i++) assertEquals(-y[i], yn[i], 0f, type + " element " + i);
    }

    @Test
    void superScalesAreSetByTheLargestSubScale() {
        // The sub-block with the largest scale (or min) is quantized against itself: its code is the top code.
        for (int seed = 0; seed < 20; seed++) {
            float[] x = gaussian(100 + seed, 256);
            byte[] q4 = quantize(DType.Q4_K, x);
            byte[] q5 = quantize(DType.Q5_K, x);
            int maxS4 = 0, maxM4 = 0, maxS5 = 0, maxM5 = 0;
            for (int j = 0; j < 8; j++) {
                maxS4 = Math.max(maxS4, KQuantScales.scale(q4, 4, j));
                maxM4 = Math.max(maxM4, KQuantScales.min(q4, 4, j));
                maxS5 = Math.max(maxS5, KQuantScales.scale(q5, 4, j));
                maxM5 = Math.max(maxM5, KQuantScales.min(q5, 4, j));
            }
            assertEquals(63, maxS4);
            assertEquals(63, maxM4); // N(0,1) groups always have negative values, so every min is positive
            assertEquals(63, maxS5);
            assertEquals(63, maxM5);

            byte[] q2 = quantize(DType.Q2_K, x);
            int maxS2 = 0, maxM2 = 0;
            for (int j = 0; j < 16; j++) {
                maxS2 = Math.max(maxS2, q2[j] & 0xF);
                maxM2 = Math.max(maxM2, (q2[j] & 0xFF) >>> 4);
            }
            assertEquals(15, maxS2);
            assertEquals(15, maxM2);

            // Q6_K: the group with the largest |scale| gets int8 scale -128 (iscale = -128/max_scale).
            byte[] q6 = quantize(DType.Q6_K, x);
            boolean has128 = false;
            for (int j = 0; j < 16; j++) has128 |= q6[192 + j] == (byte) 0x80;
            assertTrue(has128, "seed " + seed);

            // Q3_K: likewise the largest |scale| maps to -32, stored as 6-bit code 0.
            byte[] q3 = quantize(DType.Q3_K, x);
            boolean hasZero = false;
            for (int j = 0; j < 16; j++) {
                int low = j < 8 ? q3[96 + j] & 0xF : (q3[96 + j - 8] & 0xFF) >>> 4;
                int high = ((q3[104 + j % 4] & 0xFF) >>> (2 * (j / 4))) & 3;
                hasZero |= (low | high << 4) == 0;
            }
            assertTrue(hasZero, "seed " + seed);
        }
    }

    @Test
    void scalePackingRoundTrips() {
        int[] s = {0, 63, 17, 40, 63, 1, 32, 48};
        int[] m = {63, 0, 5, 33, 16, 62, 47, 31};
        byte[] packed = new byte[12];
        KQuantScales.pack(s, m, packed, 0);
        for (int j = 0; j < 8; j++) {
            assertEquals(s[j], KQuantScales.scale(packed, 0, j));
            assertEquals(m[j], KQuantScales.min(packed, 0, j));
        }
        // Sub-block 4 (scale 63 = 0b111111, min 16 = 0b010000): low nibbles in byte 8 (0x0F | 0x00), top bits in
        // bytes 0 and 4 (bits 6-7): byte 0 = 0 | 0b11 << 6, byte 4 = 63 | 0b01 << 6.
        assertEquals((byte) 0x0F, packed[8]);
        assertEquals((byte) 0xC0, packed[0]);
        assertEquals((byte) (63 | 0x40), packed[4]);
    }

    @Test
    void nearestIntMatchesGgml() {
        // ggml's magic-number rounding: ties to even, unlike C's roundf.
        assertEquals(2, QuantMath.nearestInt(2.5f));
        assertEquals(4, QuantMath.nearestInt(3.5f));
        assertEquals(-2, QuantMath.nearestInt(-2.5f));
        assertEquals(0, QuantMath.nearestInt(-0.5f));
        assertEquals(1, QuantMath.nearestInt(0.50000006f));
        assertEquals(4194303, QuantMath.nearestInt(4194303f));
        assertEquals(3, (int) QuantMath.roundHalfAway(2.5f));
        assertEquals(-3, (int) QuantMath.roundHalfAway(-2.5f));
        assertEquals(0, (int) QuantMath.roundHalfAway(0.49999997f));
        for (int i = -100; i <= 100; i++) {
            float v = i * 0.25f;
            assertEquals((int) Math.rint(v), QuantMath.nearestInt(v), "v=" + v);
        }
    }
}
