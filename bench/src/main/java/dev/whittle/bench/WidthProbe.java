package dev.whittle.bench;

import dev.whittle.core.tensor.DType;
import dev.whittle.engine.kernel.KernelSpecies;
import dev.whittle.engine.kernel.Kernels;
import dev.whittle.engine.kernel.ParallelMatmul;
import dev.whittle.engine.kernel.RandomWeights;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;

/**
 * The child process of {@link WidthTuner}: times the matmul kernels at the width this JVM was started with (the
 * width is fixed at class-load time, so each width needs its own JVM) and prints one line per case,
 * {@code CASE BITS MICROSECONDS} (the best of the timed runs).
 * <p>Usage: {@code WidthProbe SECONDS_PER_CASE}.
 */
public final class WidthProbe {
    private WidthProbe() {}

    /** A kernel at one shape: decode (one token) or prefill (32 tokens) over a weight matrix that fits in L2. */
    record Case(DType type, int tokens) {
        String name() {
            return type + (tokens == 1 ? " decode" : " prefill-" + tokens);
        }
    }

    static final List<DType> TYPES = List.of(DType.F32, DType.F16, DType.Q8_0, DType.Q4_0, DType.Q4_K, DType.Q6_K);
    static final int ROWS = 256, COLS = 2048;

    static List<Case> cases() {
        return TYPES.stream().flatMap(t -> java.util.stream.Stream.of(new Case(t, 1), new Case(t, 32))).toList();
    }

    public static void main(String[] args) {
        double seconds = Double.parseDouble(args[0]);
        int bits = KernelSpecies.F.vectorBitSize();
        try (Arena arena = Arena.ofConfined(); ParallelMatmul pm = new ParallelMatmul(1)) {
            for (Case c : cases()) {
                MemorySegment w = RandomWeights.matrix(arena, c.type(), ROWS, COLS, 42);
                long[] t = MatmulProbe.sortedTimes(pm, Kernels.forType(c.type()), c.type(), w, ROWS, COLS, c.tokens(), seconds);
                System.out.printf(Locale.ROOT, "%s\t%d\t%.3f%n", c.name(), bits, t[0] / 1e3);
                System.out.flush();
            }
        }
    }
}
