package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;

/**
 * Q3_K: 256 elements in 16 sub-blocks of 16 with symmetric 3-bit quants ({@link QuantMath#makeQ3Quants});
 * the 16 signed scales are quantized to 6 bits against one f16 super-scale d. Layout: hmask[32] @0 (third
 * bits), qs[64] @32 (low 2 bits, as Q2_K), scales[12] @96, d @108.
 */
public final class Q3_KCodec extends BlockQuantizer {
    public static final Q3_KCodec INSTANCE = new Q3_KCodec();

    private Q3_KCodec() {
        super(DType.Q3_K);
    }

    @Override
    void quantizeBlock(float[] x, int xo, byte[] out) {
        int[] L = new int[256];
        float[] scales = new float[16];
        float maxScale = 0;
        float amax = 0;
        for (int j = 0; j < 16; j++) {
            scales[j] = QuantMath.makeQ3Quants(16, 4, x, xo + 16 * j, L, 16 * j, true);
            float scale = Math.abs(scales[j]);
            if (scale > amax) {
                amax = scale;
                maxScale = scales[j];
            }
        }

        final int sc = 96;
        float d;
        if (maxScale != 0) {
            float iscale = -32f / maxScale;
            for (int j = 0; j < 16; j++) {
                int l = (byte) QuantMath.nearestInt(iscale * scales[j]); // ggml keeps it in an int8
                l = Math.max(-32, Math.min(31, l)) + 32;
                // Low 4 bits: nibble of byte j (j<8) or high nibble of byte j-8; top 2 bits: byte 8+j%4.
                if (j < 8) out[sc + j] = (byte) (l & 0xF);
                else out[sc + j - 8] |= (byte) ((l & 0xF) << 4);
                out[sc + 8 + j % 4] |= (byte) ((l >>> 4) << (2 * (j / 4)));
            }
            d = Le.putHalf(out, 108, 1 / iscale);
        } else {
            d = Le.putHalf(out, 108, 0f);
        }

        for (int j = 0; j < 16; j++) {
            int low = j < 8 ? out[sc + j] & 0xF : (out[sc + j - 8] & 0xFF) >>> 4;
            int signed = (low | (((out[sc + 8 + j % 4] & 0xFF) >>> (2 * (j / 4))) & 3) << 4) - 32;
            float dl = d * signed;
            if (dl == 0) continue;
            for (int ii = 0; ii < 16; ii++) {
                int l = QuantMath.nearestInt(x[xo + 16 * j + ii] / dl);
                L[16 * j + ii] = Math.max(-4, Math.min(3, l)) + 4;
            }
        }

        // The third bit of element j goes to hmask[j % 32], bit j / 32.
        for (int j = 0; j < 256; j++) {
            if (L[j] > 3) {
                out[j % 32] |= (byte) (1 << (j / 32));
                L[j] -= 4;
            }
        }
        KQuantPacking.pack2Bit(L, out, 32);
    }
}
