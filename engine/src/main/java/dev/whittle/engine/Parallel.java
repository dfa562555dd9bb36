package dev.whittle.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits an index range over a fixed set of threads (the caller works too). Work items
 * must compute each index independently of how the range is cut, which keeps results identical for any
 * thread count.
 * <p>
 * A decode step hands out work ~180 times per token (every projection, attention), each piece tens to
 * hundreds of microseconds long, so the hand-off must cost far less than that. Workers are persistent
 * threads that spin briefly on a volatile generation counter after each piece (catching the next one within
 * nanoseconds) and only then park; an executor's submit/Future round trip, with a park/unpark each time, cost
 * tens of microseconds per call.
 */
final class Parallel implements AutoCloseable {
    /** Work over indices [start, end). */
    @FunctionalInterface
    interface RangeTask {
        void run(int start, int end);
    }

    /** How long an idle worker spins for the next piece before parking (covers the gaps inside a token). */
    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Worker[] workers;

    Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        // More threads than cores: a spinning thread holds a core another thread needs, so waits yield instead
        // (tinyllama Q4_0 decode, 4 threads on 2 vCPUs: 12.7 tok/s spinning, 32.3 yielding, 34.7 with 2 threads).
        boolean oversubscribed = threads > Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(oversubscribed);
            Thread t = Thread.ofPlatform().daemon().name("whittle-engine-" + (i + 1)).unstarted(workers[i]);
            workers[i].thread = t;
            t.start();
        }
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

    /** Chunks per thread: enough that a thread slowed by the OS or the JIT hands its share to the others. */
    private static final int CHUNKS_PER_THREAD = 4;

    /**
     * Runs task over [0, count) in contiguous chunks that the caller and the workers take in turn from a shared
     * counter (a static half each left one thread idle for 5-9 % of a prefill while the other, slowed by the OS,
     * finished); small ranges stay on the caller. Chunk bounds depend only on count and minChunk, and each index
     * is computed independently, so results do not depend on which thread ran which chunk.
     * Not reentrant: one caller at a time (a model's sessions are used from one thread each, in turn).
     */
    synchronized void forRange(int count, int minChunk, RangeTask task) {
        int chunks = Math.min(threads * CHUNKS_PER_THREAD, Math.max(1, count / Math.max(1, minChunk)));
        if (chunks <= 1 || threads == 1) {
            task.run(0, count);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        RangeTask pull = (ignoredStart, ignoredEnd) -> {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                task.run((int) ((long) count * c / chunks), (int) ((long) count * (c + 1) / chunks));
            }
        };
        int helpers = Math.min(threads, chunks) - 1;
        for (int i = 0; i < helpers; i++) workers[i].start(pull, 0, count);
        Throwable failure = null;
        try {
            pull.run(0, count);
        } catch (Throwable t) {
            failure = t;
            next.set(chunks); // stop the others taking more
        }
        for (int i = 0; i < helpers; i++) {
            Throwable t = workers[i].awaitDone();
            if (failure == null) failure = t;
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new IllegalStateException(failure);
    }

    @Override
    public void close() {
        for (Worker w : workers) w.stop();
    }

    /** One pooled thread: waits for a piece of work, runs it, reports done. */
    private static final class Worker implements Runnable {
        private final boolean yieldWhenWaiting;
        Thread thread;
        private volatile long posted;     // generation of the last piece handed out
        private volatile long finished;   // generation of the last piece completed
        private volatile boolean parked;
        private volatile boolean stopping;
        private RangeTask task;           // written before 'posted', read after it (volatile ordering)
        private int start;
        private int end;
        private Throwable failure;

        Worker(boolean yieldWhenWaiting) {
            this.yieldWhenWaiting = yieldWhenWaiting;
        }

        private void pause() {
            if (yieldWhenWaiting) Thread.yield();
            else Thread.onSpinWait();
        }

        void start(RangeTask task, int start, int end) {
            this.task = task;
            this.start = start;
            this.end = end;
            this.failure = null;
            posted = posted + 1;
            if (parked) LockSupport.unpark(thread);
        }

        Throwable awaitDone() {
            long target = posted;
            while (finished != target) pause();
            return failure;
        }

        void stop() {
            stopping = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long deadline = System.nanoTime() + SPIN_NANOS;
                while (posted == seen && !stopping) {
                    if (System.nanoTime() < deadline) {
                        pause();
                    } else {
                        parked = true;
                        if (posted == seen && !stopping) LockSupport.park(this);
                        parked = false;
                    }
                }
                if (stopping) return;
                seen = posted;
                try {
                    task.run(start, end);
                } catch (Throwable t) {
                    failure = t;
                }
                task = null;
                finished = seen;
            }
        }
    }
}
