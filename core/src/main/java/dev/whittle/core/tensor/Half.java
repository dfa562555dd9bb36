package dev.whittle.core.tensor;

/**
 * IEEE 754 binary16 ("F16") conversions, as ggml's {@code GGML_FP16_TO_FP32} / {@code GGML_FP32_TO_FP16}:
 * widening is exact; narrowing rounds to nearest, ties to even, overflows to infinity and keeps subnormals.
 * Values are passed around as the raw 16 bits in a {@code short}.
 */
public final class Half {
    private Half() {}

    /** Exact value of the binary16 number with these bits. */
    public static float toFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /**
     * Nearest binary16 (ties to even), identical to ggml's {@code ggml_compute_fp32_to_fp16} for every input:
     * a NaN becomes the quiet NaN 0x7E00 with the input's sign (payloads are not kept).
     */
    public static short fromFloat(float value) {
        if (Float.isNaN(value)) {
            return (short) (((Float.floatToRawIntBits(value) >>> 16) & 0x8000) | 0x7E00);
        }
        return Float.floatToFloat16(value);
    }

    /** {@code value} rounded to binary16 precision and back, the value an F16 store would keep. */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }
}
