package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;

/** Q8_0: per 32 elements an f16 scale d = max|x|/127 and int8 quants round(x/d) (ties away from zero). */
public final class Q8_0Codec extends BlockQuantizer {
    public static final Q8_0Codec INSTANCE = new Q8_0Codec();

    private Q8_0Codec() {
        super(DType.Q8_0);
    }

    @Override
    void quantizeBlock(float[] x, int xo, byte[] out) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = QuantMath.cMax(amax, Math.abs(x[xo + j]));
        float d = amax / 127;
        float id = d != 0 ? 1f / d : 0f;
        Le.putHalf(out, 0, d);
        for (int j = 0; j < 32; j++) out[2 + j] = (byte) QuantMath.cvtToInt8Bits(QuantMath.roundHalfAway(x[xo + j] * id));
    }
}
