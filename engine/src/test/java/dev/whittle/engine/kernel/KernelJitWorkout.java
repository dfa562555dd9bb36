package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Runs every float-lane kernel through its paths (one token, a few, a prefill panel) in one JVM, as a model
 * with mixed types or an evaluation of several variants does, long enough for C2 to compile them. The child
 * process of {@link KernelCompilationTest}. Usage: {@code KernelJitWorkout SECONDS_PER_TYPE}.
 */
public final class KernelJitWorkout {
    static final DType[] TYPES = {DType.F32, DType.F16, DType.BF16, DType.Q8_0, DType.Q4_0, DType.Q4_1, DType.Q5_0,
            DType.Q5_1, DType.Q4_K, DType.Q5_K, DType.Q6_K};

    private KernelJitWorkout() {
    }

    public static void main(String[] args) {
        double seconds = Double.parseDouble(args[0]);
        int rows = 256, cols = 1024;
        int[] tokenCounts = {1, 4, 5, 16};
        try (Arena arena = Arena.ofShared(); ParallelMatmul pm = new ParallelMatmul(1)) {
            for (DType type : TYPES) {
                MemorySegment w = RandomWeights.matrix(arena, type, rows, cols, 1);
                long end = System.nanoTime() + (long) (seconds * 1e9);
                while (System.nanoTime() < end) {
                    for (int n : tokenCounts) {
                        pm.matmul(type, w, rows, cols, RandomWeights.activations(n * cols, n), n, new float[n * rows]);
                    }
                }
            }
            // then one token at another shape, type after type: what recompiles now sees every type's profile
            int rows2 = 1536, cols2 = 512;
            MemorySegment[] ws = new MemorySegment[TYPES.length];
            for (int i = 0; i < TYPES.length; i++) ws[i] = RandomWeights.matrix(arena, TYPES[i], rows2, cols2, 2);
            float[] x = RandomWeights.activations(cols2, 3), out = new float[rows2];
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                for (int i = 0; i < TYPES.length; i++) pm.matmul(TYPES[i], ws[i], rows2, cols2, x, 1, out);
            }
        }
    }
}
