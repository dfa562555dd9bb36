package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@link LinearKernel} over all rows of a weight matrix on a fixed number of threads (the caller
 * plus {@code threads - 1} pooled daemon workers). Rows are handed out in fixed chunks from a shared
 * counter; each output element is computed by exactly one thread with the kernel's fixed summation order,
 * so results do not depend on the thread count or on scheduling.
 */
public final class ParallelMatmul implements AutoCloseable {
    /** Minimum rows per chunk: enough work to amortize the hand-off. */
    private static final int MIN_CHUNK_ROWS = 16;

    private final int threads;
    private final ExecutorService pool;

    public ParallelMatmul(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "whittle-matmul");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /**
     * {@code out[t * rows + r] = W[r, :] · x[t * cols ..]} for all n tokens and all rows, with the
     * vectorised kernel for the weight dtype.
     */
    public void matmul(DType type, MemorySegment weights, int rows, int cols, float[] x, int n, float[] out) {
        matmul(Kernels.forType(type), type, weights, rows, cols, x, n, out);
    }

    public void matmul(LinearKernel kernel, DType type, MemorySegment weights, int rows, int cols, float[] x, int n,
                       float[] out) {
        LinearKernel.PreparedInput in = kernel.prepare(type, x, n, cols);
        if (threads == 1 || rows <= MIN_CHUNK_ROWS) {
            kernel.multiply(type, weights, rows, cols, in, out, 0, rows);
            return;
        }
        // Several chunks per thread so an interrupted or slower thread does not hold up the others.
        int chunk = Math.max(MIN_CHUNK_ROWS, (rows + threads * 4 - 1) / (threads * 4));
        int chunks = (rows + chunk - 1) / chunk;
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                int start = c * chunk;
                kernel.multiply(type, weights, rows, cols, in, out, start, Math.min(rows, start + chunk));
            }
        };
        List<Future<?>> futures = new ArrayList<>(threads - 1);
        for (int i = 0; i < threads - 1; i++) futures.add(pool.submit(work));
        work.run();
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for matmul workers", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) throw re;
                if (cause instanceof Error err) throw err;
                throw new IllegalStateException(cause);
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
