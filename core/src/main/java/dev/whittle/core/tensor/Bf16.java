package dev.whittle.core.tensor;

/**
 * bfloat16 conversions. A bfloat16 is the upper 16 bits of an IEEE binary32, so widening is a shift.
 * Narrowing rounds to nearest, ties to even, like ggml's {@code ggml_compute_fp32_to_bf16} (and Google's
 * reference): a NaN stays a NaN (forced quiet, sign kept), overflow past the largest bfloat16 gives infinity,
 * subnormals are kept (not flushed).
 */
public final class Bf16 {
    private Bf16() {}

    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            // Truncating could clear every payload bit and turn the NaN into infinity; set the quiet bit.
            return (short) ((bits >>> 16) | 0x40);
        }
        // Adding 0x7FFF plus the lowest kept bit rounds to nearest with ties going to the even neighbour.
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }
}
