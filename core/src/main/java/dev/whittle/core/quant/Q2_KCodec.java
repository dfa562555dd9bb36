package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;

/**
 * Q2_K: 256 elements in 16 sub-blocks of 16, each fitted as x ~ scale*q - min with 2-bit q
 * ({@link QuantMath#makeQkx2Quants}, |x|-weighted absolute error); the 16 scales and 16 mins are themselves
 * quantized to 4 bits against f16 super-scales d and dmin, then the quants are recomputed with those.
 */
public final class Q2_KCodec extends BlockQuantizer {
    public static final Q2_KCodec INSTANCE = new Q2_KCodec();

    private Q2_KCodec() {
        super(DType.Q2_K);
    }

    @Override
    void quantizeBlock(float[] x, int xo, byte[] out) {
        int[] L = new int[256];
        int[] laux = new int[16];
        float[] weights = new float[16];
        float[] mins = new float[16];
        float[] scales = new float[16];
        final float q4scale = 15f;

        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 16; j++) {
            for (int l = 0; l < 16; l++) weights[l] = Math.abs(x[xo + 16 * j + l]);
            scales[j] = QuantMath.makeQkx2Quants(16, 3, x, xo + 16 * j, weights, L, 16 * j, mins, j, laux,
                    -0.5f, 0.1f, 15, true);
            if (scales[j] > maxScale) maxScale = scales[j];
            if (mins[j] > maxMin) maxMin = mins[j];
        }

        // scales[16] @0 (low nibble scale, high nibble min), qs[64] @16, d @80, dmin @82.
        float d;
        if (maxScale > 0) {
            float iscale = q4scale / maxScale;
            for (int j = 0; j < 16; j++) out[j] = (byte) QuantMath.nearestInt(iscale * scales[j]);
            d = Le.putHalf(out, 80, maxScale / q4scale);
        } else {
            d = Le.putHalf(out, 80, 0f);
        }
        float dmin;
        if (maxMin > 0) {
            float iscale = q4scale / maxMin;
            for (int j = 0; j < 16; j++) out[j] |= (byte) (QuantMath.nearestInt(iscale * mins[j]) << 4);
            dmin = Le.putHalf(out, 82, maxMin / q4scale);
        } else {
            dmin = Le.putHalf(out, 82, 0f);
        }

        for (int j = 0; j < 16; j++) {
            float dl = d * (out[j] & 0xF);
            if (dl == 0) continue;
            float ml = dmin * ((out[j] & 0xFF) >>> 4);
            for (int ii = 0; ii < 16; ii++) {
                int l = QuantMath.nearestInt((x[xo + 16 * j + ii] + ml) / dl);
                L[16 * j + ii] = Math.max(0, Math.min(3, l));
            }
        }
        KQuantPacking.pack2Bit(L, out, 16);
    }
}
