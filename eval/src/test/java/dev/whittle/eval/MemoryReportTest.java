package dev.whittle.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryReportTest {

    @Test
    void kvCacheFollowsTwoTimesLayersContextKvDimBytes() {
        // TinyLlama-1.1B: 22 layers, 4 KV heads × 64 = 256, F16 cache, 2048 context -> 44 MiB.
        KvCacheShape kv = new KvCacheShape(22, 256, 2);
        assertEquals(2L * 22 * 2048 * 256 * 2, kv.bytes(2048, 1));
        assertEquals(44L << 20, kv.bytes(2048, 1));
        assertEquals(4 * kv.bytes(2048, 1), kv.bytes(4096, 2));
        // Q8_0 cache: 34 bytes per 32 elements.
        assertEquals(2L * 22 * 2048 * 256 * 34 / 32, new KvCacheShape(22, 256, 34.0 / 32).bytes(2048, 1));
        assertThrows(IllegalArgumentException.class, () -> new KvCacheShape(0, 256, 2));
    }

    @Test
    void weightsBitsPerWeightAndEstimates() {
        List<WeightGroup> groups = List.of(
                new WeightGroup("Q4_0", 4096L * 4096, 4096L * 4096 / 32 * 18),
                new WeightGroup("F32", 4096, 4 * 4096));
        assertEquals(4.5, groups.get(0).bitsPerWeight(), 0);
        assertEquals(32, groups.get(1).bitsPerWeight(), 0);
        MemoryReport report = MemoryReport.measure(groups, new KvCacheShape(22, 256, 2), 2048).withEstimate(8192, 4);
        long params = 4096L * 4096 + 4096;
        long bytes = 4096L * 4096 / 32 * 18 + 4 * 4096;
        assertEquals(params, report.parameterCount());
        assertEquals(bytes, report.weightBytes());
        assertEquals(8.0 * bytes / params, report.bitsPerWeight(), 1e-12);
        assertEquals(44L << 20, report.kvCacheBytes());
        MemoryReport.Footprint f = report.estimates().get(0);
        assertTrue(f.estimated());
        assertEquals(16 * (44L << 20), f.kvCacheBytes());
        assertEquals(bytes + 16 * (44L << 20), f.totalBytes());

        var metrics = report.metrics();
        assertEquals(Boolean.TRUE, metrics.get("total_bytes_at_ctx8192_batch4").estimated());
        assertEquals(16.0 * (44L << 20), metrics.get("kv_cache_bytes_at_ctx8192_batch4").value(), 0);
        assertNull(metrics.get("kv_cache_bytes").estimated());
        assertEquals(4.5, report.weights().get(0).bitsPerWeight(), 0);
    }

    @Test
    void processMemoryIsConsistent() {
        ProcessMemory m = ProcessMemory.measure();
        if (m.rssBytes() != null) {
            assertTrue(m.rssBytes() > 0);
            assertTrue(m.peakRssBytes() >= m.rssBytes(), "VmHWM is the peak of VmRSS");
        }
        assertTrue(m.heapUsedBytes() > 0 && m.heapUsedBytes() <= m.heapCommittedBytes());
        assertTrue(m.directBytes() >= 0 && m.mappedBytes() >= 0);
        assertEquals(1234L * 1024, ProcessMemory.statusKb(List.of("Name:\tjava", "VmHWM:\t    1234 kB"), "VmHWM:"));
        assertNull(ProcessMemory.statusKb(List.of("Name:\tjava"), "VmHWM:"));
    }
}
