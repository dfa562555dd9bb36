package dev.whittle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    /** Whatever the thread count and chunking, every index runs exactly once. */
    @Test
    void everyIndexRunsExactlyOnce() {
        for (int threads : new int[] {1, 2, 3}) {
            try (Parallel p = new Parallel(threads)) {
                for (int count : new int[] {0, 1, 7, 64, 1000, 5633}) {
                    for (int minChunk : new int[] {1, 8, 100}) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(1, count));
                        p.forRange(count, minChunk, (start, end) -> {
                            for (int i = start; i < end; i++) hits.incrementAndGet(i);
                        });
                        for (int i = 0; i < count; i++) {
                            assertEquals(1, hits.get(i), "threads=" + threads + " count=" + count + " minChunk=" + minChunk + " index " + i);
                        }
                    }
                }
            }
        }
    }

    /** A failing chunk surfaces in the caller, and the workers stay usable for the next call. */
    @Test
    void failurePropagatesAndThePoolSurvives() {
        try (Parallel p = new Parallel(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.forRange(1000, 1, (start, end) -> {
                if (start <= 900 && 900 < end) throw new IllegalStateException("chunk with 900");
            }));
            assertEquals("chunk with 900", e.getMessage());
            AtomicIntegerArray hits = new AtomicIntegerArray(1000);
            p.forRange(1000, 1, (start, end) -> {
                for (int i = start; i < end; i++) hits.incrementAndGet(i);
            });
            for (int i = 0; i < 1000; i++) assertEquals(1, hits.get(i), "index " + i);
        }
    }
}
