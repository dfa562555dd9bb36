package dev.whittle.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian reads of the 16-bit float formats (IEEE half and bfloat16), scalar and vector. */
final class Halfs {
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** 2^112: rebiases a half's exponent (bias 15) placed in a float's exponent field (bias 127). */
    private static final float REBIAS = 0x1.0p112f;

    private Halfs() {}

    /** The IEEE half at {@code offset}, as a float. */
    static float half(MemorySegment s, long offset) {
        return Float.float16ToFloat(s.get(LE_SHORT, offset));
    }

    static float bf16(MemorySegment s, long offset) {
        return Float.intBitsToFloat(s.get(LE_SHORT, offset) << 16);
    }

    /**
     * Halves to floats lane by lane: magnitude bits shifted into the float's exponent/mantissa position and
     * multiplied by 2^112 (exact for normals and subnormals); Inf/NaN patterns get an all-ones exponent.
     */
    static FloatVector halfToFloat(ShortVector h) {
        IntVector bits = (IntVector) h.convertShape(VectorOperators.S2I, KernelSpecies.I, 0);
        IntVector magnitude = bits.and(0x7fff);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        FloatVector value = magnitude.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(REBIAS);
        IntVector result = value.reinterpretAsInts().or(sign);
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7c00);
        if (special.anyTrue()) {
            result = result.blend(magnitude.lanewise(VectorOperators.LSHL, 13).or(0x7f800000).or(sign), special);
        }
        return result.reinterpretAsFloats();
    }

    static FloatVector bf16ToFloat(ShortVector h) {
        IntVector bits = (IntVector) h.convertShape(VectorOperators.S2I, KernelSpecies.I, 0);
        return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
