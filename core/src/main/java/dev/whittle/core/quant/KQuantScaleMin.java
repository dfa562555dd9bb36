package dev.whittle.core.quant;

import dev.whittle.core.tensor.KQuantScales;

/**
 * The scale/min stage shared by Q4_K and Q5_K (ggml's {@code quantize_row_q4_K_ref} / {@code q5_K_ref}):
 * fit each 32-element sub-block, quantize the 8 scales and 8 mins to 6 bits against f16 super-scales, write
 * d @0, dmin @2 and the packed scales @4, then recompute the quants with the stored (rounded) scales.
 */
final class KQuantScaleMin {
    private KQuantScaleMin() {}

    static void fit(float[] x, int xo, int nmax, float rmin, float rdelta, int nstep, int[] L, byte[] out) {
        int[] laux = new int[32];
        float[] weights = new float[32];
        float[] mins = new float[8];
        float[] scales = new float[8];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            int base = xo + 32 * j;
            float sumX2 = 0;
            for (int l = 0; l < 32; l++) sumX2 += x[base + l] * x[base + l];
            float avX = QuantMath.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; l++) weights[l] = avX + Math.abs(x[base + l]);
            scales[j] = QuantMath.makeQkx2Quants(32, nmax, x, base, weights, L, 32 * j, mins, j, laux,
                    rmin, rdelta, nstep, false);
            if (scales[j] > maxScale) maxScale = scales[j];
            if (mins[j] > maxMin) maxMin = mins[j];
        }

        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        int[] ls = new int[8];
        int[] lm = new int[8];
        for (int j = 0; j < 8; j++) {
            // ggml stores the rounded value in a uint8 before capping it at 63.
            ls[j] = Math.min(63, QuantMath.nearestInt(invScale * scales[j]) & 0xFF);
            lm[j] = Math.min(63, QuantMath.nearestInt(invMin * mins[j]) & 0xFF);
        }
        KQuantScales.pack(ls, lm, out, 4);
        float d = Le.putHalf(out, 0, maxScale / 63f);
        float dmin = Le.putHalf(out, 2, maxMin / 63f);

        for (int j = 0; j < 8; j++) {
            float dl = d * KQuantScales.scale(out, 4, j);
            if (dl == 0) continue;
            float ml = dmin * KQuantScales.min(out, 4, j);
            for (int ii = 0; ii < 32; ii++) {
                int l = QuantMath.nearestInt((x[xo + 32 * j + ii] + ml) / dl);
                L[32 * j + ii] = Math.max(0, Math.min(nmax, l));
            }
        }
    }
}
