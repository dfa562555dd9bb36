package dev.whittle.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian reads of the 16-bit float formats (IEEE half and bfloat16), scalar and vector. */
final class Halfs {
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Every half's float value, indexed by its 16 bits. Kernels read per-block scales through this table: a
     * table load and a broadcast from memory run on the load ports, while {@link Float#float16ToFloat} compiles
     * to move, convert and broadcast uops on the two ports the 512-bit arithmetic needs (4 of about 12 per
     * Q4_0 block).
     */
    private static final float[] HALF_TO_FLOAT = new float[1 << 16];

    static {
        for (int h = 0; h < HALF_TO_FLOAT.length; h++) HALF_TO_FLOAT[h] = Float.float16ToFloat((short) h);
    }

    private Halfs() {}

    /**
     * The IEEE half at {@code offset}, as a float, read through {@link #HALF_TO_FLOAT}: the same value as
     * {@link Float#float16ToFloat}.
     */
    static float half(MemorySegment s, long offset) {
        return HALF_TO_FLOAT[s.get(LE_SHORT, offset) & 0xFFFF];
    }

    /** The half in the low 16 bits of {@code bits}, as a float (two halves read with one int load). */
    static float lowHalf(int bits) {
        return HALF_TO_FLOAT[bits & 0xFFFF];
    }

    /** The half in the high 16 bits of {@code bits}, as a float. */
    static float highHalf(int bits) {
        return HALF_TO_FLOAT[bits >>> 16];
    }

    static float bf16(MemorySegment s, long offset) {
        return Float.intBitsToFloat(s.get(LE_SHORT, offset) << 16);
    }

    /** bfloat16 lanes to floats: each is the top half of a float's bits. */
    static FloatVector bf16ToFloat(ShortVector h) {
        IntVector bits = (IntVector) h.convertShape(VectorOperators.S2I, KernelSpecies.I, 0);
        return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
