package dev.whittle.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * Does this machine overlap a streaming loop's arithmetic with its memory transfers? Reads a buffer far larger
 * than the caches and one that fits in L2, with k extra dependent vector multiplies per 64-byte line, and prints
 * nanoseconds per line for both. If the core overlapped compute and transfer, the large-buffer time would be the
 * larger of (small-buffer time, k = 0 large-buffer time); if it does not, it is their sum. Decode kernels are
 * such loops, so the answer says whether a faster in-cache kernel still pays off from memory (it does, fully, when
 * the times add).
 * <p>Usage: {@code MemoryOverlapProbe [GiB]}, run with {@code --add-modules jdk.incubator.vector}.
 */
public final class MemoryOverlapProbe {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int STEP = 2 * F.vectorByteSize();

    private MemoryOverlapProbe() {}

    public static void main(String[] args) {
        long big = (long) (Double.parseDouble(args.length > 0 ? args[0] : "1") * (1L << 30)), small = 1L << 20;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(big, 64);
            for (long i = 0; i + 4 <= big; i += 4) s.set(ValueLayout.JAVA_FLOAT_UNALIGNED, i, 1f);
            float sink = 0;
            System.out.println("    k   in L2 ns/line   from memory ns/line   sum of (in L2, k=0 from memory)");
            double base = 0;
            for (int k : new int[] {0, 2, 4, 8, 16, 32}) {
                for (int w = 0; w < 5; w++) sink += read(s, small, k);
                double l2 = Double.MAX_VALUE, mem = Double.MAX_VALUE;
                for (int r = 0; r < 200; r++) {
                    long t = System.nanoTime();
                    sink += read(s, small, k);
                    l2 = Math.min(l2, (System.nanoTime() - t) / (small / 64.0));
                }
                for (int r = 0; r < 3; r++) {
                    long t = System.nanoTime();
                    sink += read(s, big, k);
                    mem = Math.min(mem, (System.nanoTime() - t) / (big / 64.0));
                }
                if (k == 0) base = mem;
                System.out.printf(Locale.ROOT, "%5d %15.2f %21.2f %33.2f%n", k, l2, mem, l2 + base);
            }
            if (sink == 42) System.out.println(); // keeps the reads alive
        }
    }

    /** Sums the buffer two vectors at a time after k dependent multiplies on each (a stand-in for decode work). */
    private static float read(MemorySegment s, long bytes, int k) {
        FloatVector a = FloatVector.zero(F), b = a, c = FloatVector.broadcast(F, 1.0000001f);
        int half = F.vectorByteSize();
        for (long o = 0; o + STEP <= bytes; o += STEP) {
            FloatVector v = FloatVector.fromMemorySegment(F, s, o, ByteOrder.LITTLE_ENDIAN);
            FloatVector u = FloatVector.fromMemorySegment(F, s, o + half, ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < k; i++) {
                v = v.mul(c);
                u = u.mul(c);
            }
            a = v.add(a);
            b = u.add(b);
        }
        return a.add(b).reduceLanes(VectorOperators.ADD);
    }
}
