package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;

/**
 * Q4_0: per 32 elements an f16 scale d = -(value of largest magnitude)/8 and 4-bit quants
 * x/d + 8 (truncated after adding 8.5, capped at 15), so the extreme value maps exactly to quant 0.
 */
public final class Q4_0Codec extends BlockQuantizer {
    public static final Q4_0Codec INSTANCE = new Q4_0Codec();

    private Q4_0Codec() {
        super(DType.Q4_0);
    }

    @Override
    void quantizeBlock(float[] x, int xo, byte[] out) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; j++) {
            float v = x[xo + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1f / d : 0f;
        Le.putHalf(out, 0, d);
        for (int j = 0; j < 16; j++) {
            int q0 = Math.min(15, QuantMath.cvtToInt8Bits(x[xo + j] * id + 8.5f));
            int q1 = Math.min(15, QuantMath.cvtToInt8Bits(x[xo + j + 16] * id + 8.5f));
            out[2 + j] = (byte) (q0 | q1 << 4);
        }
    }
}
