package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.KQuantScales;

/**
 * Q4_K: 256 elements in 8 sub-blocks of 32, each fitted as x ~ scale*q - min with 4-bit q
 * ({@link QuantMath#makeQkx2Quants}, weights rms+|x|, squared error); scales and mins quantized to 6 bits
 * against f16 d and dmin and packed as {@link KQuantScales}. Layout: d @0, dmin @2, scales[12] @4, qs[128] @16.
 */
public final class Q4_KCodec extends BlockQuantizer {
    public static final Q4_KCodec INSTANCE = new Q4_KCodec();

    private Q4_KCodec() {
        super(DType.Q4_K);
    }

    @Override
    void quantizeBlock(float[] x, int xo, byte[] out) {
        int[] L = new int[256];
        KQuantScaleMin.fit(x, xo, 15, -1f, 0.1f, 20, L, out);
        for (int j = 0; j < 256; j += 64) {
            for (int l = 0; l < 32; l++) out[16 + j / 2 + l] = (byte) (L[j + l] | L[j + l + 32] << 4);
        }
    }
}
