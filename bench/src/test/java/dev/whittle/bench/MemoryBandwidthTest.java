package dev.whittle.bench;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryBandwidthTest {
    @Test
    void measuresAPositiveFiniteBandwidthWithTheRightSums() {
        try (MemoryBandwidth mb = new MemoryBandwidth(4L << 20)) {
            for (int threads : new int[] {1, 2, 3}) {
                MemoryBandwidth.Measurement m = mb.measure(threads, 3);
                assertEquals(threads, m.threads());
                assertEquals(4L << 20, m.bytes());
                assertEquals(3, m.samplesGBps().length);
                assertTrue(m.checksumOk(), "sum of 0..n-1 over " + threads + " threads");
                for (double s : m.samplesGBps()) assertTrue(s > 0 && Double.isFinite(s), Double.toString(s));
                assertTrue(m.bestGBps() >= m.meanGBps());
            }
        }
    }

    @Test
    void vectorSumMatchesAScalarSumAtAnyOffsets() {
        try (Arena a = Arena.ofConfined()) {
            int n = 1000;
            MemorySegment seg = a.allocate(n * 8L, 64);
            long expectedAll = 0;
            for (int i = 0; i < n; i++) {
                long v = (long) i * 0x9E3779B97F4A7C15L;
                seg.setAtIndex(ValueLayout.JAVA_LONG, i, v);
            }
            for (int from : new int[] {0, 1, 7, 33}) {
                for (int to : new int[] {from, from + 1, from + 31, 999, 1000}) {
                    long expected = 0;
                    for (int i = from; i < to; i++) expected += seg.getAtIndex(ValueLayout.JAVA_LONG, i);
                    assertEquals(expected, MemoryBandwidth.sum(seg, from * 8L, to * 8L), from + ".." + to);
                }
            }
        }
    }

    @Test
    void splitCoversTheBufferOnCacheLines() {
        long[][] r = MemoryBandwidth.split(64 * 10, 3);
        assertArrayEquals(new long[] {0, 192}, r[0]);
        assertArrayEquals(new long[] {192, 384}, r[1]);
        assertArrayEquals(new long[] {384, 640}, r[2]);
    }

    @Test
    void bandwidthBoundIsBandwidthOverBytesPerToken() {
        // 20 GB/s reading 2 GB per token: 10 tokens per second.
        assertEquals(10.0, MemoryBandwidth.bandwidthBound(2_000_000_000L, 20.0), 1e-12);
        // TinyLlama 1.1B F16 (2.2 GB of matrices) at 50 GB/s: about 22.7 t/s.
        assertEquals(50e9 / 2.2e9, MemoryBandwidth.bandwidthBound(2_200_000_000L, 50.0), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> MemoryBandwidth.bandwidthBound(0, 1));
        assertThrows(IllegalArgumentException.class, () -> MemoryBandwidth.bandwidthBound(1, 0));
        assertThrows(IllegalArgumentException.class, () -> MemoryBandwidth.bandwidthBound(1, Double.NaN));
    }

    @Test
    void badSizesAndCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MemoryBandwidth(100));
        assertThrows(IllegalArgumentException.class, () -> new MemoryBandwidth(0));
        try (MemoryBandwidth mb = new MemoryBandwidth(64)) {
            assertThrows(IllegalArgumentException.class, () -> mb.measure(0, 1));
            assertThrows(IllegalArgumentException.class, () -> mb.measure(1, 0));
        }
    }
}
