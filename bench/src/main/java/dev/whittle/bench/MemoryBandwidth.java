package dev.whittle.bench;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The machine's memory read bandwidth: sums a large off-heap buffer of longs with vector adds, split evenly over
 * the threads, and divides the bytes read by the wall time of the slowest thread. Decode speed of a model is
 * bounded by this figure divided by the bytes of weights read per token ({@link #bandwidthBound}).
 * <p>
 * The buffer holds 0, 1, 2, ... so each pass's sum is known in advance ({@link Measurement#checksumOk()}): the
 * sum is both checked and published, which keeps the JIT from dropping the reads.
 */
public final class MemoryBandwidth implements AutoCloseable {
    /** Large enough to defeat any cache (server L3 caches reach a few hundred MiB). */
    public static final long DEFAULT_BYTES = 1L << 30;
    public static final int DEFAULT_PASSES = 5;

    private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
    private static final int ALIGN = 64;

    /**
     * @param threads      threads reading at once
     * @param bytes        buffer size
     * @param samplesGBps  bandwidth of each timed pass, in GB/s (10^9 bytes per second)
     * @param checksumOk   every pass summed to the expected value
     */
    public record Measurement(int threads, long bytes, double[] samplesGBps, boolean checksumOk) {
        public Measurement {
            samplesGBps = samplesGBps.clone();
        }

        @Override
        public double[] samplesGBps() {
            return samplesGBps.clone();
        }

        public double bestGBps() {
            double b = 0;
            for (double s : samplesGBps) b = Math.max(b, s);
            return b;
        }

        public double meanGBps() {
            return SampleStats.mean(samplesGBps);
        }
    }

    private final Arena arena;
    private final MemorySegment buffer;
    private final long expectedSum;

    /** Allocates and fills a buffer of {@code bytes} (a positive multiple of 64). */
    public MemoryBandwidth(long bytes) {
        if (bytes < ALIGN || bytes % ALIGN != 0) {
            throw new IllegalArgumentException("buffer size must be a positive multiple of " + ALIGN + " bytes, got " + bytes);
        }
        this.arena = Arena.ofShared();
        this.buffer = arena.allocate(bytes, ALIGN);
        long n = bytes / Long.BYTES;
        for (long i = 0; i < n; i++) buffer.setAtIndex(ValueLayout.JAVA_LONG, i, i);
        // 0 + 1 + ... + (n - 1), wrapping like the sum itself.
        this.expectedSum = (n % 2 == 0) ? (n / 2) * (n - 1) : n * ((n - 1) / 2);
        compileSum();
    }

    /**
     * Calls the summing loop often enough on a cached slice that the JIT compiles it as a method: before C2 the
     * Vector API runs boxed and 10-100x slower, and a single pass over the buffer might not get there in time.
     */
    private void compileSum() {
        long slice = Math.min(buffer.byteSize(), 16 * 1024);
        long s = 0;
        for (int i = 0; i < 5_000; i++) s += sum(buffer, 0, slice);
        Blackhole.consume(s);
    }

    public long bytes() {
        return buffer.byteSize();
    }

    /** One untimed warm-up pass (JIT, page faults), then {@code passes} timed passes with {@code threads} readers. */
    public Measurement measure(int threads, int passes) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (passes < 1) throw new IllegalArgumentException("passes must be at least 1, got " + passes);
        long[][] ranges = split(buffer.byteSize(), threads);
        double[] samples = new double[passes];
        boolean ok = true;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "membw");
            t.setDaemon(true);
            return t;
        })) {
            for (int pass = -1; pass < passes; pass++) {
                long[] timed = timedPass(pool, ranges);
                ok &= timed[1] == expectedSum;
                if (pass >= 0) samples[pass] = buffer.byteSize() / (double) timed[0];
            }
        }
        return new Measurement(threads, buffer.byteSize(), samples, ok);
    }

    /**
     * The most tokens per second a decoder can reach when every token reads {@code weightBytesPerToken} bytes of
     * weights at {@code gigabytesPerSecond} (10^9 bytes per second).
     */
    public static double bandwidthBound(long weightBytesPerToken, double gigabytesPerSecond) {
        if (weightBytesPerToken <= 0) throw new IllegalArgumentException("bytes per token must be positive, got " + weightBytesPerToken);
        if (!(gigabytesPerSecond > 0) || Double.isInfinite(gigabytesPerSecond)) {
            throw new IllegalArgumentException("bandwidth must be positive and finite, got " + gigabytesPerSecond);
        }
        return gigabytesPerSecond * 1e9 / weightBytesPerToken;
    }

    /** Returns {elapsed ns, wrapped sum of all ranges}. */
    private long[] timedPass(ExecutorService pool, long[][] ranges) {
        CountDownLatch ready = new CountDownLatch(ranges.length);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> parts = new ArrayList<>(ranges.length);
        for (long[] r : ranges) {
            parts.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return sum(buffer, r[0], r[1]);
            }));
        }
        try {
            ready.await();
            long t0 = System.nanoTime();
            go.countDown();
            long total = 0;
            for (Future<Long> f : parts) total += f.get();
            long elapsed = Math.max(1, System.nanoTime() - t0);
            Blackhole.consume(total);
            return new long[] {elapsed, total};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring memory bandwidth", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("memory bandwidth reader failed", e.getCause());
        }
    }

    /** Splits [0, bytes) into contiguous ranges on 64-byte boundaries, one per thread. */
    static long[][] split(long bytes, int parts) {
        long lines = bytes / ALIGN;
        long[][] out = new long[parts][];
        long start = 0;
        for (int i = 0; i < parts; i++) {
            long end = (lines * (i + 1) / parts) * ALIGN;
            out[i] = new long[] {start, end};
            start = end;
        }
        return out;
    }

    /** Wrapped sum of the longs in [from, to), four vector accumulators to keep several loads in flight. */
    static long sum(MemorySegment seg, long from, long to) {
        long step = SPECIES.vectorByteSize();
        LongVector a0 = LongVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        long i = from;
        for (; i + 4 * step <= to; i += 4 * step) {
            a0 = a0.add(LongVector.fromMemorySegment(SPECIES, seg, i, ByteOrder.nativeOrder()));
            a1 = a1.add(LongVector.fromMemorySegment(SPECIES, seg, i + step, ByteOrder.nativeOrder()));
            a2 = a2.add(LongVector.fromMemorySegment(SPECIES, seg, i + 2 * step, ByteOrder.nativeOrder()));
            a3 = a3.add(LongVector.fromMemorySegment(SPECIES, seg, i + 3 * step, ByteOrder.nativeOrder()));
        }
        for (; i + step <= to; i += step) a0 = a0.add(LongVector.fromMemorySegment(SPECIES, seg, i, ByteOrder.nativeOrder()));
        long s = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
        for (; i < to; i += Long.BYTES) s += seg.get(ValueLayout.JAVA_LONG, i);
        return s;
    }

    @Override
    public void close() {
        arena.close();
    }
}
