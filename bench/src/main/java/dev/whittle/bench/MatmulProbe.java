package dev.whittle.bench;

import dev.whittle.core.tensor.DType;
import dev.whittle.engine.kernel.Kernels;
import dev.whittle.engine.kernel.LinearKernel;
import dev.whittle.engine.kernel.ParallelMatmul;
import dev.whittle.engine.kernel.RandomWeights;

import java.lang.foreign.Arena;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A quick companion to {@link MatmulBenchmark} for shared, noisy machines: repeats one matmul for a fixed
 * time after a long warm-up (the Vector API is very slow until C2 has compiled the kernel) and reports the
 * best and median time, GFLOP/s and GB/s of weight traffic. The best time is robust to other processes
 * stealing the CPU; JMH's mean is not.
 * <p>Usage: {@code MatmulProbe DTYPE ROWS COLS TOKENS THREADS [VARIANT [SECONDS [FILE]]]}, run with
 * {@code --add-modules jdk.incubator.vector} (and {@code -Dwhittle.vectorBits=…} to force a width). With FILE the
 * weights are that file's bytes, memory-mapped as the engine maps a model (ROWS 0: as many rows as it holds), so
 * a large model file measures the kernel from memory through the page cache.
 */
public final class MatmulProbe {
    private MatmulProbe() {}

    public static void main(String[] args) throws IOException {
        DType type = DType.valueOf(args[0]);
        int rows = Integer.parseInt(args[1]), cols = Integer.parseInt(args[2]);
        int n = Integer.parseInt(args[3]), threads = Integer.parseInt(args[4]);
        String variant = args.length > 5 ? args[5] : "default";
        double seconds = args.length > 6 ? Double.parseDouble(args[6]) : 6;
        LinearKernel kernel = variant.equals("default") ? Kernels.forType(type) : Kernels.variant(variant, type);
        try (Arena arena = Arena.ofShared(); ParallelMatmul pm = new ParallelMatmul(threads)) {
            MemorySegment w;
            if (args.length > 7) {
                try (FileChannel ch = FileChannel.open(Path.of(args[7]))) {
                    long rowBytes = type.byteSize(cols);
                    if (rows == 0) rows = (int) Math.min(Integer.MAX_VALUE, ch.size() / rowBytes);
                    w = ch.map(FileChannel.MapMode.READ_ONLY, 0, rows * rowBytes, arena);
                }
            } else {
                w = RandomWeights.matrix(arena, type, rows, cols, 42);
            }
            long[] t = sortedTimes(pm, kernel, type, w, rows, cols, n, seconds);
            int count = t.length;
            double best = t[0] / 1e3, median = t[count / 2] / 1e3;
            double flops = 2.0 * rows * cols * n, bytes = type.byteSize((long) rows * cols);
            System.out.printf(Locale.ROOT, "%-5s %-7s %5dx%-5d n=%-3d thr=%d  best %9.1f us %7.2f GFLOP/s %6.2f GB/s | median %9.1f us %7.2f GFLOP/s %6.2f GB/s (%d runs)%n",
                    type, variant, rows, cols, n, threads, best, flops / best / 1e3, bytes / best / 1e3,
                    median, flops / median / 1e3, bytes / median / 1e3, count);
        }
    }

    /**
     * Nanoseconds of repeated {@code W · x} for n random tokens, sorted: {@code seconds} of warm-up (the Vector API
     * is very slow until C2 has compiled the kernel), then {@code seconds} of timed runs (at least 3).
     */
    static long[] sortedTimes(ParallelMatmul pm, LinearKernel kernel, DType type, MemorySegment w, int rows, int cols,
                              int n, double seconds) {
        float[] x = RandomWeights.activations(n * cols, 43), out = new float[n * rows];
        long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < warmEnd) pm.matmul(kernel, type, w, rows, cols, x, n, out);
        long[] times = new long[4096];
        int count = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while ((System.nanoTime() < end || count < 3) && count < times.length) {
            long s = System.nanoTime();
            pm.matmul(kernel, type, w, rows, cols, x, n, out);
            times[count++] = System.nanoTime() - s;
        }
        long[] t = Arrays.copyOf(times, count);
        Arrays.sort(t);
        return t;
    }
}
