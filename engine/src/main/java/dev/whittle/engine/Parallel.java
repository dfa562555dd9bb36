package dev.whittle.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits an index range over a fixed set of threads (the caller runs the first chunk itself). Work items
 * must compute each index independently of how the range is cut, which keeps results identical for any
 * thread count.
 */
final class Parallel implements AutoCloseable {
    /** Work over indices [start, end). */
    @FunctionalInterface
    interface RangeTask {
        void run(int start, int end);
    }

    private final int threads;
    private final ExecutorService pool;

    Parallel(int threads) {
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "whittle-engine");
            t.setDaemon(true);
            return t;
        });
    }

    int threads() {
        return threads;
    }

    /**
     * Multiply-adds a chunk should carry before handing it to another thread is worth the hand-off
     * (roughly tens of microseconds of work).
     */
    static final long MIN_WORK_PER_CHUNK = 16_384;

    /** The smallest chunk of items, each costing {@code workPerItem} multiply-adds, worth a thread of its own. */
    static int minChunk(long workPerItem, int floor) {
        return (int) Math.max(floor, Math.min(Integer.MAX_VALUE, MIN_WORK_PER_CHUNK / Math.max(1, workPerItem)));
    }

    /** Runs task over [0, count) in at most {@code threads} contiguous chunks; small ranges stay on the caller. */
    void forRange(int count, int minChunk, RangeTask task) {
        int chunks = Math.min(threads, Math.max(1, count / Math.max(1, minChunk)));
        if (chunks <= 1 || pool == null) {
            task.run(0, count);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int start = (int) ((long) count * c / chunks);
            int end = (int) ((long) count * (c + 1) / chunks);
            futures.add(pool.submit(() -> task.run(start, end)));
        }
        task.run(0, (int) ((long) count / chunks));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for engine workers", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                if (e.getCause() instanceof Error err) throw err;
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
