package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;

/**
 * Q5_0: per 32 elements f16 d = -(value of largest magnitude)/16 and 5-bit quants x/d + 16 (truncated after
 * adding 16.5, capped at 31); low nibbles as Q4_0, the 5th bits in a little-endian u32.
 */
public final class Q5_0Codec extends BlockQuantizer {
    public static final Q5_0Codec INSTANCE = new Q5_0Codec();

    private Q5_0Codec() {
        super(DType.Q5_0);
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
        float d = max / -16;
        float id = d != 0 ? 1f / d : 0f;
        Le.putHalf(out, 0, d);
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int q0 = Math.min(31, QuantMath.cvtToInt8Bits(x[xo + j] * id + 16.5f));
            int q1 = Math.min(31, QuantMath.cvtToInt8Bits(x[xo + j + 16] * id + 16.5f));
            out[6 + j] = (byte) ((q0 & 0xF) | (q1 & 0xF) << 4);
            qh |= ((q0 >>> 4) & 1) << j;
            qh |= ((q1 >>> 4) & 1) << (j + 16);
        }
        Le.putInt(out, 2, qh);
    }
}
