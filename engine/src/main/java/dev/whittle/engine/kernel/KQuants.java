package dev.whittle.engine.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

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

    /**
     * All eight 6-bit scales from the 12 bytes read as {@code lo} (bytes 0..7) and {@code hi} (8..11), scale j in
     * byte j of the result: four SWAR steps instead of eight branchy extractions per super-block (the kernels
     * spent more scalar work on scales than vector work on weights).
     */
    static long scales(long lo, int hi) {
        int low = (int) lo & 0x3F3F3F3F;
        int high = hi & 0x0F0F0F0F | ((int) lo >>> 6 & 0x03030303) << 4;
        return low & 0xFFFFFFFFL | (long) high << 32;
    }

    /** All eight 6-bit mins, as {@link #scales}. */
    static long mins(long lo, int hi) {
        int top = (int) (lo >>> 32);
        int low = top & 0x3F3F3F3F;
        int high = hi >>> 4 & 0x0F0F0F0F | (top >>> 6 & 0x03030303) << 4;
        return low & 0xFFFFFFFFL | (long) high << 32;
    }

    /** Lanes 8..15: where {@link #unpack} puts the mins. */
    private static final VectorMask<Float> UPPER8 = VectorMask.fromLong(KernelSpecies.F, 0xFF00L);

    /**
     * {@link #unpack(long, int, float, float, float[])} for the Q4_K or Q5_K super-block at {@code bo}, which
     * starts {@code f16 d; f16 dmin; u8 scales[12]}.
     */
    static void unpack(MemorySegment w, long bo, float[] sm) {
        unpack(w.get(LE_LONG, bo + 4), w.get(Halfs.LE_INT, bo + 12), Halfs.half(w, bo), Halfs.half(w, bo + 2), sm);
    }

    /**
     * A super-block's eight {@code d·scale} into {@code sm[0..7]} and eight {@code −dmin·min} into
     * {@code sm[8..15]}, from the 12 scale bytes read as {@code lo} (bytes 0..7) and {@code hi} (8..11). With 16
     * lanes this is one byte-to-float conversion and one multiply, so the kernels' inner loops broadcast the
     * values from memory (a load, no shuffle) instead of unpacking and broadcasting 16 scalars.
     */
    static void unpack(long lo, int hi, float d, float dmin, float[] sm) {
        long scales = scales(lo, hi), mins = mins(lo, hi);
        if (KernelSpecies.L == 16) {
            ByteVector packed = LongVector.broadcast(LongVector.SPECIES_128, scales).withLane(1, mins).reinterpretAsBytes();
            FloatVector f = (FloatVector) packed.convertShape(VectorOperators.B2F, KernelSpecies.F, 0);
            FloatVector factors = FloatVector.broadcast(KernelSpecies.F, d).blend(FloatVector.broadcast(KernelSpecies.F, -dmin), UPPER8);
            f.mul(factors).intoArray(sm, 0);
        } else {
            for (int j = 0; j < 8; j++) {
                sm[j] = d * at(scales, j);
                sm[8 + j] = -dmin * at(mins, j);
            }
        }
    }

    /** Byte j of a packed {@link #scales} or {@link #mins} value. */
    static int at(long packed, int j) {
        return (int) (packed >>> 8 * j) & 0xFF;
    }

    private static int u8(MemorySegment w, long off) {
        return w.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }
}
