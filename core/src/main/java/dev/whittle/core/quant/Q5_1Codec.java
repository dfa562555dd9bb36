package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;

/** Q5_1: per 32 elements f16 d = (max-min)/31, f16 m = min, and 5-bit quants round((x-min)/d). */
public final class Q5_1Codec extends BlockQuantizer {
    public static final Q5_1Codec INSTANCE = new Q5_1Codec();

    private Q5_1Codec() {
        super(DType.Q5_1);
    }

    @Override
    void quantizeBlock(float[] x, int xo, byte[] out) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < 32; j++) {
            float v = x[xo + j];
            if (v < min) min = v;
            if (v > max) max = v;
        }
        float d = (max - min) / 31;
        float id = d != 0 ? 1f / d : 0f;
        Le.putHalf(out, 0, d);
        Le.putHalf(out, 2, min);
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            // ggml stores the truncated value in a uint8 without a cap; (max-min)*id rounds to at most 31.
            int q0 = QuantMath.cvtToInt8Bits((x[xo + j] - min) * id + 0.5f) & 0xFF;
            int q1 = QuantMath.cvtToInt8Bits((x[xo + j + 16] - min) * id + 0.5f) & 0xFF;
            out[8 + j] = (byte) ((q0 & 0xF) | (q1 & 0xF) << 4);
            qh |= ((q0 >>> 4) & 1) << j;
            qh |= ((q1 >>> 4) & 1) << (j + 16);
        }
        Le.putInt(out, 4, qh);
    }
}
