package dev.whittle.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * F16 and BF16 conversions. Rounding is checked exhaustively: for every pair of adjacent finite values of the
 * narrow format, the exact midpoint must round to the neighbour with the even mantissa and the floats just
 * either side of it to the nearer neighbour. (During development these conversions were also compared with
 * ggml's ggml_compute_fp32_to_fp16 / _to_bf16 over all 2^32 float bit patterns, NaNs included: identical.)
 */
class HalfAndBf16Test {
    @Test
    void halfWideningIsExact() {
        assertEquals(1f, Half.toFloat((short) 0x3C00));
        assertEquals(-2f, Half.toFloat((short) 0xC000));
        assertEquals(65504f, Half.toFloat((short) 0x7BFF));                  // largest finite
        assertEquals(0x1p-14f, Half.toFloat((short) 0x0400));                // smallest normal
        assertEquals(0x1p-24f, Half.toFloat((short) 0x0001));                // smallest subnormal
        assertEquals(0x3FFp-24f, Half.toFloat((short) 0x03FF));              // largest subnormal
        assertEquals(Float.POSITIVE_INFINITY, Half.toFloat((short) 0x7C00));
        assertEquals(Float.NEGATIVE_INFINITY, Half.toFloat((short) 0xFC00));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Half.toFloat((short) 0x8000)));
        assertTrue(Float.isNaN(Half.toFloat((short) 0x7E00)) && Float.isNaN(Half.toFloat((short) 0x7C01)));
    }

    @Test
    void halfRoundTripsEveryValue() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Half.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(f))), "NaN " + Integer.toHexString(h));
            } else {
                assertEquals((short) h, Half.fromFloat(f), Integer.toHexString(h));
            }
        }
    }

    @Test
    void halfRoundsToNearestEven() {
        // Adjacent positive finite halves h and h+1 (subnormals included); the midpoint is exact in float.
        for (int h = 0; h < 0x7BFF; h++) {
            float lo = Half.toFloat((short) h);
            float hi = Half.toFloat((short) (h + 1));
            float mid = (lo + hi) / 2;
            int even = (h & 1) == 0 ? h : h + 1;
            assertEquals((short) even, Half.fromFloat(mid), "midpoint above " + Integer.toHexString(h));
            assertEquals((short) h, Half.fromFloat(Math.nextDown(mid)));
            assertEquals((short) (h + 1), Half.fromFloat(Math.nextUp(mid)));
            assertEquals((short) (even | 0x8000), Half.fromFloat(-mid)); // symmetric for negatives
        }
        // Overflow: 65520 is the midpoint between 65504 and 2^16 and rounds (to even) to infinity.
        assertEquals((short) 0x7C00, Half.fromFloat(65520f));
        assertEquals((short) 0x7BFF, Half.fromFloat(Math.nextDown(65520f)));
        assertEquals((short) 0xFC00, Half.fromFloat(-1e10f));
        // Below half the smallest subnormal everything flushes to a signed zero; exactly half is a tie -> 0.
        assertEquals((short) 0x0000, Half.fromFloat(0x1p-25f));
        assertEquals((short) 0x0001, Half.fromFloat(Math.nextUp(0x1p-25f)));
        assertEquals((short) 0x8000, Half.fromFloat(-1e-10f));
        assertEquals((short) 0x7C00, Half.fromFloat(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(Half.round(Float.NaN)));
    }

    @Test
    void halfNaNsBecomeTheQuietNaNWithTheirSign() {
        // As ggml: every NaN maps to 0x7E00 | sign, whatever its payload.
        assertEquals((short) 0x7E00, Half.fromFloat(Float.NaN));
        assertEquals((short) 0x7E00, Half.fromFloat(Float.intBitsToFloat(0x7F800001)));
        assertEquals((short) 0xFE00, Half.fromFloat(Float.intBitsToFloat(0xFFFFFFFF)));
    }

    @Test
    void bf16IsTheUpperHalfOfAFloat() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Bf16.toFloat((short) h);
            assertEquals(h << 16, Float.floatToRawIntBits(f));
            if (!Float.isNaN(f)) assertEquals((short) h, Bf16.fromFloat(f), Integer.toHexString(h));
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        // Adjacent finite bf16 values b and b+1 (positive and negative, subnormals included): the midpoint
        // is the float with bits (b << 16) | 0x8000.
        for (int b = 0; b < 0x7F7F; b++) {
            for (int sign : new int[] {0, 0x8000}) {
                int bits = ((b | sign) << 16) | 0x8000;
                float mid = Float.intBitsToFloat(bits);
                int even = (b & 1) == 0 ? b : b + 1;
                assertEquals((short) (even | sign), Bf16.fromFloat(mid));
                assertEquals((short) (b | sign), Bf16.fromFloat(Float.intBitsToFloat(bits - 1)));
                assertEquals((short) (b + 1 | sign), Bf16.fromFloat(Float.intBitsToFloat(bits + 1)));
            }
        }
        // Float.MAX_VALUE rounds up past the largest bf16 (0x7F7F) to infinity, as ggml does.
        assertEquals((short) 0x7F80, Bf16.fromFloat(Float.MAX_VALUE));
        assertEquals((short) 0xFF80, Bf16.fromFloat(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x0001, Bf16.fromFloat(Float.MIN_VALUE * 0x8001)); // subnormal 0x00008001 rounds up
    }

    @Test
    void bf16KeepsNaNsQuietAndSigned() {
        // 0x7F800001 is a signalling NaN whose payload lives in the dropped bits: truncation would give 0x7F80
        // (infinity). ggml sets the quiet bit instead: 0x7FC0.
        assertEquals((short) 0x7FC0, Bf16.fromFloat(Float.intBitsToFloat(0x7F800001)));
        assertEquals((short) 0xFFC0, Bf16.fromFloat(Float.intBitsToFloat(0xFF800001)));
        assertEquals((short) 0x7FC0, Bf16.fromFloat(Float.NaN));
        assertEquals((short) 0x7FD2, Bf16.fromFloat(Float.intBitsToFloat(0x7F923456))); // payload top bits kept
    }
}
