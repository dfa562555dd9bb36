package dev.whittle.core.quant;

/** Bit layouts shared by several k-quant encoders. */
final class KQuantPacking {
    private KQuantPacking() {}

    /**
     * Q2_K/Q3_K low bits: each 128-element half takes 32 bytes; byte l holds elements l, l+32, l+64, l+96
     * of that half at bit shifts 0, 2, 4, 6.
     */
    static void pack2Bit(int[] L, byte[] out, int off) {
        for (int j = 0; j < 256; j += 128) {
            for (int l = 0; l < 32; l++) {
                out[off + j / 4 + l] = (byte) (L[j + l] | L[j + l + 32] << 2 | L[j + l + 64] << 4 | L[j + l + 96] << 6);
            }
        }
    }
}
