package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Seeded random weight matrices in a dtype's native layout, for tests and benchmarks: every block is
 * valid (finite F16 scales of plausible size, random quant bytes), so any decoder must accept it.
 */
public final class RandomWeights {
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RandomWeights() {}

    /** A rows × cols matrix of {@code type}, allocated in {@code arena}. */
    public static MemorySegment matrix(Arena arena, DType type, int rows, int cols, long seed) {
        long bytes = type.byteSize((long) rows * cols);
        if (bytes < 0 || cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(rows + "x" + cols + " is not a whole number of " + type + " blocks per row");
        }
        MemorySegment seg = arena.allocate(bytes, 64);
        SplittableRandom rnd = new SplittableRandom(seed);
        long blocks = bytes / type.blockBytes();
        for (long b = 0; b < blocks; b++) writeBlock(seg, b * type.blockBytes(), type, rnd);
        return seg;
    }

    /** Random activations in [-1, 1). */
    public static float[] activations(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    private static void writeBlock(MemorySegment s, long off, DType type, SplittableRandom rnd) {
        switch (type) {
            case F32 -> s.set(LE_FLOAT, off, gaussian(rnd, 0.05f));
            case F16 -> s.set(LE_SHORT, off, Float.floatToFloat16(gaussian(rnd, 0.05f)));
            case BF16 -> s.set(LE_SHORT, off, (short) (Float.floatToRawIntBits(gaussian(rnd, 0.05f)) >>> 16));
            case Q8_0, Q4_0, Q5_0 -> {
                s.set(LE_SHORT, off, scale(rnd, false));
                randomBytes(s, off + 2, type.blockBytes() - 2, rnd);
            }
            case Q4_1, Q5_1 -> {
                s.set(LE_SHORT, off, scale(rnd, false));
                s.set(LE_SHORT, off + 2, scale(rnd, true));
                randomBytes(s, off + 4, type.blockBytes() - 4, rnd);
            }
            case Q4_K, Q5_K -> {
                s.set(LE_SHORT, off, scale(rnd, false));
                s.set(LE_SHORT, off + 2, scale(rnd, false));
                randomBytes(s, off + 4, type.blockBytes() - 4, rnd);
            }
            case Q6_K -> {
                randomBytes(s, off, 208, rnd);
                s.set(LE_SHORT, off + 208, scale(rnd, false));
            }
            default -> throw new IllegalArgumentException("cannot generate random " + type + " weights");
        }
    }

    private static float gaussian(SplittableRandom rnd, float sigma) {
        // Box-Muller: SplittableRandom has no nextGaussian before JDK 17's RandomGenerator default, keep it explicit.
        double u = 1 - rnd.nextDouble(), v = rnd.nextDouble();
        return (float) (sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    }

    /** A half-precision scale of magnitude 1e-4 .. 1e-2; signed when {@code signed}. */
    private static short scale(SplittableRandom rnd, boolean signed) {
        double mag = Math.pow(10, -4 + 2 * rnd.nextDouble());
        if (signed && rnd.nextBoolean()) mag = -mag;
        return Float.floatToFloat16((float) mag);
    }

    private static void randomBytes(MemorySegment s, long off, int count, SplittableRandom rnd) {
        for (int i = 0; i < count; i++) s.set(ValueLayout.JAVA_BYTE, off + i, (byte) rnd.nextInt(256));
    }
}
