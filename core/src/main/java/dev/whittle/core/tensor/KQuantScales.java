package dev.whittle.core.tensor;

/**
 * The 12-byte packing of eight 6-bit scales and eight 6-bit mins used by Q4_K and Q5_K (ggml's
 * {@code get_scale_min_k4}). Sub-blocks 0-3 keep scale and min in the low 6 bits of bytes j and j+4; sub-blocks
 * 4-7 keep their low 4 bits in the nibbles of byte j+4 and their top 2 bits in the spare top bits of bytes j-4
 * (scale) and j (min).
 */
public final class KQuantScales {
    public static final int BYTES = 12;

    private KQuantScales() {}

    /** The 6-bit scale of sub-block {@code j} (0..7) from the packed bytes starting at {@code off}. */
    public static int scale(byte[] packed, int off, int j) {
        if (j < 4) return packed[off + j] & 63;
        return (packed[off + j + 4] & 0xF) | (((packed[off + j - 4] & 0xFF) >>> 6) << 4);
    }

    /** The 6-bit min of sub-block {@code j} (0..7). */
    public static int min(byte[] packed, int off, int j) {
        if (j < 4) return packed[off + j + 4] & 63;
        return ((packed[off + j + 4] & 0xFF) >>> 4) | (((packed[off + j] & 0xFF) >>> 6) << 4);
    }

    /** Packs 6-bit scales and mins (each 0..63) so that {@link #scale} and {@link #min} return them. */
    public static void pack(int[] scales, int[] mins, byte[] packed, int off) {
        for (int j = 0; j < 8; j++) {
            int s = scales[j];
            int m = mins[j];
            if (j < 4) {
                packed[off + j] = (byte) s;
                packed[off + j + 4] = (byte) m;
            } else {
                packed[off + j + 4] = (byte) ((s & 0xF) | ((m & 0xF) << 4));
                packed[off + j - 4] |= (byte) ((s >>> 4) << 6);
                packed[off + j] |= (byte) ((m >>> 4) << 6);
            }
        }
    }
}
