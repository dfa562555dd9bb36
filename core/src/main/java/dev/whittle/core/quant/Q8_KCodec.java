package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;

/**
 * Q8_K, ggml's activation intermediate for k-quant dot products: f32 d = -(value of largest magnitude)/127,
 * 256 int8 quants, and 16 int16 sums of each 16 quants. Layout: d @0, qs[256] @4, bsums[16] @260.
 */
public final class Q8_KCodec extends BlockQuantizer {
    public static final Q8_KCodec INSTANCE = new Q8_KCodec();

    private Q8_KCodec() {
        super(DType.Q8_K);
    }

    @Override
    void quantizeBlock(float[] x, int xo, byte[] out) {
        float max = 0;
        float amax = 0;
        for (int j = 0; j < 256; j++) {
            float ax = Math.abs(x[xo + j]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + j];
            }
        }
        if (amax == 0) return; // d = 0, quants and sums 0
        float iscale = -127f / max;
        for (int j = 0; j < 256; j++) out[4 + j] = (byte) Math.min(127, QuantMath.nearestInt(iscale * x[xo + j]));
        for (int j = 0; j < 16; j++) {
            int sum = 0;
            for (int ii = 0; ii < 16; ii++) sum += out[4 + 16 * j + ii];
            Le.putShort(out, 260 + 2 * j, sum);
        }
        Le.putInt(out, 0, Float.floatToRawIntBits(1 / iscale));
    }
}
