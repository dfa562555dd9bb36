package dev.whittle.core.tensor;

/**
 * The two 8-bit float formats SafeTensors stores (OCP FP8): E4M3 in its "FN" variant (bias 7, no infinities,
 * only S.1111.111 is NaN, max 448) and E5M2 (bias 15, IEEE-style infinities and NaNs, i.e. the upper byte of
 * a binary16).
 */
public final class Fp8 {
    private Fp8() {}

    public static float e4m3ToFloat(byte b) {
        int bits = b & 0xFF;
        int exponent = (bits >>> 3) & 0xF;
        int mantissa = bits & 0x7;
        float magnitude;
        if (exponent == 0xF && mantissa == 0x7) {
            magnitude = Float.NaN;
        } else if (exponent == 0) {
            magnitude = mantissa * 0x1p-9f; // subnormal: m/8 * 2^(1-7)
        } else {
            magnitude = (8 + mantissa) * Math.scalb(1f, exponent - 7 - 3);
        }
        return (bits & 0x80) != 0 ? -magnitude : magnitude;
    }

    public static float e5m2ToFloat(byte b) {
        return Float.float16ToFloat((short) ((b & 0xFF) << 8));
    }
}
