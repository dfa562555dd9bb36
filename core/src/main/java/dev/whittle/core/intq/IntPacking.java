package dev.whittle.core.intq;

/**
 * The compressed-tensors {@code pack_to_int32} bit layout, shared by writer, reader and kernels.
 * <p>
 * Each signed value q in [−2^(b−1), 2^(b−1)−1] is stored as the unsigned code u = q + 2^(b−1) in b bits.
 * {@code 32 / b} codes share one little-endian int32 word (3-bit codes leave the top 2 bits of each word unused):
 * element i of the packed dimension goes to word {@code i / (32/b)} at bit offset {@code b · (i mod (32/b))}, so
 * the first element sits in the lowest bits. The packed dimension is padded with zero codes to whole words.
 * Weights are packed along columns (dim 1, each row on its own words); zero points along rows (dim 0).
 */
public final class IntPacking {
    private IntPacking() {}

    /** Codes per int32 word. */
    public static int packFactor(int bits) {
        checkBits(bits);
        return 32 / bits;
    }

    /** Words needed for n codes. */
    public static int wordsFor(int n, int bits) {
        int pf = packFactor(bits);
        return (n + pf - 1) / pf;
    }

    /** The offset added to a signed value to get its unsigned code: 2^(bits−1). */
    public static int offset(int bits) {
        return 1 << (bits - 1);
    }

    public static int mask(int bits) {
        return (1 << bits) - 1;
    }

    /** The signed value at position i of a packed sequence of words. */
    public static int unpack(int[] words, int i, int bits) {
        int pf = 32 / bits;
        return ((words[i / pf] >>> (bits * (i % pf))) & mask(bits)) - offset(bits);
    }

    /** Packs n signed values (checked to be in range) into {@link #wordsFor} words. */
    public static int[] pack(int[] values, int from, int n, int bits) {
        int pf = packFactor(bits);
        int[] words = new int[wordsFor(n, bits)];
        int lo = -offset(bits), hi = offset(bits) - 1;
        for (int i = 0; i < n; i++) {
            int q = values[from + i];
            if (q < lo || q > hi) throw new IllegalArgumentException("value " + q + " out of the " + bits + "-bit range [" + lo + ", " + hi + "]");
            words[i / pf] |= (q + offset(bits)) << (bits * (i % pf));
        }
        return words;
    }

    static void checkBits(int bits) {
        if (bits < 2 || bits > 8) throw new IllegalArgumentException("bits must be in 2..8, got " + bits);
    }
}
