package dev.whittle.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width every kernel uses, fixed at class-load time so the JIT folds it into constants.
 * System property {@code whittle.vectorBits} = 128 | 256 | 512 picks it; the default is the preferred
 * width capped at 256 bits, because on this AVX-512 Zen machine 256-bit lanes measured as fast or faster
 * (see the JMH figures in {@link Q4_0Kernel} and {@link F32Kernel}).
 */
public final class KernelSpecies {
    /** Float lanes; all kernels are written in terms of this species. */
    public static final VectorSpecies<Float> F = floatSpecies();
    /** Int lanes, same lane count as {@link #F}. */
    public static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Short lanes, same lane count as {@link #F} (half the bits). */
    public static final VectorSpecies<Short> S = VectorSpecies.of(short.class,
            VectorShape.forBitSize(F.vectorBitSize() / 2));
    /** Lanes per float vector. */
    public static final int L = F.length();

    private KernelSpecies() {}

    private static VectorSpecies<Float> floatSpecies() {
        String prop = System.getProperty("whittle.vectorBits");
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int bits = prop == null ? Math.min(preferred, DEFAULT_MAX_BITS) : Integer.parseInt(prop.trim());
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("whittle.vectorBits must be 128, 256 or 512, got " + prop);
        }
        if (bits > preferred) bits = preferred; // never emulate wider vectors than the CPU has
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /** Cap for the default width; revisit from the benchmark numbers. */
    static final int DEFAULT_MAX_BITS = 256;
}
