package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;

/**
 * Q6_K: 256 elements in 16 sub-blocks of 16 with symmetric 6-bit quants ({@link QuantMath#makeQxQuants},
 * x^2-weighted); the 16 scales are int8 against one f16 super-scale d. Layout: ql[128] @0, qh[64] @128,
 * scales[16] @192, d @208.
 */
public final class Q6_KCodec extends BlockQuantizer {
    public static final Q6_KCodec INSTANCE = new Q6_KCodec();

    private Q6_KCodec() {
        super(DType.Q6_K);
    }

    @Override
    void quantizeBlock(float[] x, int xo, byte[] out) {
        int[] L = new int[256];
        float[] scales = new float[16];
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int ib = 0; ib < 16; ib++) {
            float scale = QuantMath.makeQxQuants(16, 32, x, xo + 16 * ib, L, 16 * ib, 1);
            scales[ib] = scale;
            float abs = Math.abs(scale);
            if (abs > maxAbsScale) {
                maxAbsScale = abs;
                maxScale = scale;
            }
        }
        if (maxAbsScale < QuantMath.GROUP_MAX_EPS) return; // an all-zero block, d = +0

        float iscale = -128f / maxScale;
        float d = Le.putHalf(out, 208, 1 / iscale);
        for (int ib = 0; ib < 16; ib++) out[192 + ib] = (byte) Math.min(127, QuantMath.nearestInt(iscale * scales[ib]));

        for (int j = 0; j < 16; j++) {
            float dl = d * out[192 + j];
            if (dl == 0) continue;
            for (int ii = 0; ii < 16; ii++) {
                int l = QuantMath.nearestInt(x[xo + 16 * j + ii] / dl);
                L[16 * j + ii] = Math.max(-32, Math.min(31, l)) + 32;
            }
        }

        // Per 128-element half: ql gets 64 bytes, qh 32; elements l, l+32, l+64, l+96 share qh[l].
        for (int j = 0; j < 256; j += 128) {
            int ql = j / 2;
            int qh = 128 + j / 4;
            for (int l = 0; l < 32; l++) {
                int a = L[j + l], b = L[j + l + 32], c = L[j + l + 64], e = L[j + l + 96];
                out[ql + l] = (byte) ((a & 0xF) | (c & 0xF) << 4);
                out[ql + l + 32] = (byte) ((b & 0xF) | (e & 0xF) << 4);
                out[qh + l] = (byte) ((a >>> 4) | (b >>> 4) << 2 | (c >>> 4) << 4 | (e >>> 4) << 6);
            }
        }
    }
}
