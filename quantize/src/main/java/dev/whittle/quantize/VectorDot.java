package dev.whittle.quantize;

import dev.whittle.engine.kernel.KernelSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Float dot products with the Vector API (lane sums in a fixed order, so results do not depend on the JIT). */
final class VectorDot {
    private static final VectorSpecies<Float> S = KernelSpecies.F;
    private static final int L = S.length();

    private VectorDot() {}

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float s = 0;
        if (n >= L) {
            FloatVector acc = FloatVector.zero(S);
            for (; i <= n - L; i += L) acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
            s = KernelSpecies.sum(acc); // lane() one at a time cost more than the products for 64-long dots
        }
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }
}
