package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;

/** Q4_1: per 32 elements f16 d = (max-min)/15, f16 m = min, and 4-bit quants round((x-min)/d) (capped at 15). */
public final class Q4_1Codec extends BlockQuantizer {
    public static final Q4_1Codec INSTANCE = new Q4_1Codec();

    private Q4_1Codec() {
        super(DType.Q4_1);
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
        float d = (max - min) / 15;
        float id = d != 0 ? 1f / d : 0f;
        Le.putHalf(out, 0, d);
        Le.putHalf(out, 2, min);
        for (int j = 0; j < 16; j++) {
            int q0 = Math.min(15, QuantMath.cvtToInt8Bits((x[xo + j] - min) * id + 0.5f));
            int q1 = Math.min(15, QuantMath.cvtToInt8Bits((x[xo + j + 16] - min) * id + 0.5f));
            out[4 + j] = (byte) (q0 | q1 << 4);
        }
    }
}
