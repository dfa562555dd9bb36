package dev.whittle.engine;

import dev.whittle.core.tensor.DType;
import dev.whittle.engine.kernel.KernelSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Widens F16 and BF16 weights to floats with vector bit arithmetic (the Vector API has no half-float
 * conversion). Exact: every non-NaN bit pattern converts as {@link Float#float16ToFloat} does, and NaNs stay
 * NaN (quieted).
 */
final class HalfWidening {
    private static final VectorSpecies<Float> FS = KernelSpecies.F; // the width -Dwhittle.vectorBits chose
    private static final VectorSpecies<Integer> IS = KernelSpecies.I;
    private static final VectorSpecies<Short> SS = VectorSpecies.of(short.class, VectorShape.forBitSize(FS.length() * 16));
    private static final int L = FS.length();
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** 2^112 rescales a half's exponent (bias 15) placed in a float (bias 127); also right for subnormals. */
    private static final float REBIAS = 0x1p112f;

    private HalfWidening() {}

    /** Widens {@code len} F16 or BF16 values starting at byte {@code off} of {@code src} into dst[0..len). */
    static void widen(DType type, MemorySegment src, long off, float[] dst, int len) {
        if (type == DType.F16) f16(src, off, dst, len);
        else if (type == DType.BF16) bf16(src, off, dst, len);
        else throw new IllegalArgumentException("not a 16-bit float type: " + type);
    }

    static void f16(MemorySegment src, long off, float[] dst, int len) {
        int i = 0;
        for (; i <= len - L; i += L) {
            ShortVector s = ShortVector.fromMemorySegment(SS, src, off + 2L * i, ByteOrder.LITTLE_ENDIAN);
            IntVector h = (IntVector) s.convertShape(VectorOperators.S2I, IS, 0);
            IntVector magnitude = h.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
            IntVector bits = magnitude.reinterpretAsFloats().mul(REBIAS).reinterpretAsInts();
            VectorMask<Integer> infOrNan = h.and(0x7c00).eq(0x7c00);
            bits = bits.blend(magnitude.or(0x7f800000), infOrNan);
            // NaNs come out quiet, as the hardware conversion behind Float.float16ToFloat makes them
            bits = bits.blend(magnitude.or(0x7fc00000), h.and(0x7fff).compare(VectorOperators.GT, 0x7c00));
            bits = bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16));
            bits.reinterpretAsFloats().intoArray(dst, i);
        }
        for (; i < len; i++) dst[i] = Float.float16ToFloat(src.get(I16, off + 2L * i));
    }

    static void bf16(MemorySegment src, long off, float[] dst, int len) {
        int i = 0;
        for (; i <= len - L; i += L) {
            ShortVector s = ShortVector.fromMemorySegment(SS, src, off + 2L * i, ByteOrder.LITTLE_ENDIAN);
            IntVector h = (IntVector) s.convertShape(VectorOperators.S2I, IS, 0);
            h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, i);
        }
        for (; i < len; i++) dst[i] = Float.intBitsToFloat((src.get(I16, off + 2L * i) & 0xFFFF) << 16);
    }
}
