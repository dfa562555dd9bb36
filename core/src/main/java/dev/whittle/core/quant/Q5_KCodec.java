package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;

/**
 * Q5_K: as Q4_K with 5-bit quants. Layout: d @0, dmin @2, scales[12] @4, qh[32] @16 (the 5th bit of
 * element j is bit j/32 of qh[j%32]), qs[128] @48 (low nibbles as Q4_K).
 */
public final class Q5_KCodec extends BlockQuantizer {
    public static final Q5_KCodec INSTANCE = new Q5_KCodec();

    private Q5_KCodec() {
        super(DType.Q5_K);
    }

    @Override
    void quantizeBlock(float[] x, int xo, byte[] out) {
        int[] L = new int[256];
        KQuantScaleMin.fit(x, xo, 31, -0.5f, 0.1f, 15, L, out);
        for (int n = 0; n < 256; n += 64) {
            int g = n / 32; // 32-element group of the low nibbles; the high nibbles belong to group g+1
            for (int j = 0; j < 32; j++) {
                int l1 = L[n + j];
                int l2 = L[n + j + 32];
                if (l1 > 15) {
                    l1 -= 16;
                    out[16 + j] |= (byte) (1 << g);
                }
                if (l2 > 15) {
                    l2 -= 16;
                    out[16 + j] |= (byte) (1 << (g + 1));
                }
                out[48 + n / 2 + j] = (byte) (l1 | l2 << 4);
            }
        }
    }
}
