package dev.whittle.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The 12-byte scale field of Q4_K/Q5_K: eight 6-bit scales and eight 6-bit mins. Sub-blocks 0..3 keep theirs
 * in the low 6 bits of bytes j (scale) and j+4 (min); sub-blocks 4..7 take the low 4 bits from byte j+4
 * (scale: low nibble, min: high nibble) and the top 2 bits from the spare top bits of bytes j-4 and j.
 */
final class KQuants {
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private KQuants() {}

    static int scale(MemorySegment w, long scales, int j) {
        if (j < 4) return u8(w, scales + j) & 63;
        return (u8(w, scales + j + 4) & 15) | (u8(w, scales + j - 4) >> 6) << 4;
    }

    static int min(MemorySegment w, long scales, int j) {
        if (j < 4) return u8(w, scales + j + 4) & 63;
        return (u8(w, scales + j + 4) >> 4) | (u8(w, scales + j) >> 6) << 4;
    }

    /** Same as {@link #scale(MemorySegment, long, int)} from the 12 bytes read as {@code lo} (0..7) and {@code hi} (8..11). */
    static int scale(long lo, int hi, int j) {
        if (j < 4) return b(lo, hi, j) & 63;
        return (b(lo, hi, j + 4) & 15) | (b(lo, hi, j - 4) >> 6) << 4;
    }

    /** Same as {@link #min(MemorySegment, long, int)} from the 12 bytes read as {@code lo} and {@code hi}. */
    static int min(long lo, int hi, int j) {
        if (j < 4) return b(lo, hi, j + 4) & 63;
        return (b(lo, hi, j + 4) >> 4) | (b(lo, hi, j) >> 6) << 4;
    }

    /** Scale byte k, from two wide reads instead of twelve bounds-checked byte reads. */
    private static int b(long lo, int hi, int k) {
        return k < 8 ? (int) (lo >>> 8 * k) & 0xFF : hi >>> 8 * (k - 8) & 0xFF;
    }

    private static int u8(MemorySegment w, long off) {
        return w.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }
}
