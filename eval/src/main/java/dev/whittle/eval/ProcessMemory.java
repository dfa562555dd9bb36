package dev.whittle.eval;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Memory use of this JVM process now: resident set (current and peak, from /proc/self/status on
 * Linux, absent elsewhere), Java heap, and the off-heap NIO pools (direct buffers and mapped files).
 * Memory mapped through FFM arenas is counted by RSS but not by the "mapped" pool.
 *
 * @param peakRssBytes VmHWM, or null when unavailable
 * @param rssBytes     VmRSS, or null when unavailable
 * @param heapMaxBytes -1 when undefined
 */
public record ProcessMemory(Long peakRssBytes, Long rssBytes, long heapUsedBytes, long heapCommittedBytes,
                            long heapMaxBytes, long directBytes, long mappedBytes) {

    public static ProcessMemory measure() {
        Path status = Path.of("/proc/self/status");
        List<String> lines = List.of();
        try {
            if (Files.isReadable(status)) {
                lines = Files.readAllLines(status);
            }
        } catch (IOException e) {
            lines = List.of();
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long direct = 0;
        long mapped = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            } else if (pool.getName().startsWith("mapped")) {
                mapped += Math.max(0, pool.getMemoryUsed());
            }
        }
        return new ProcessMemory(statusKb(lines, "VmHWM:"), statusKb(lines, "VmRSS:"), heap.getUsed(),
                heap.getCommitted(), heap.getMax(), direct, mapped);
    }

    /** A "Key:   1234 kB" line of /proc/self/status in bytes, or null. */
    static Long statusKb(List<String> lines, String key) {
        for (String line : lines) {
            if (line.startsWith(key)) {
                String[] parts = line.substring(key.length()).trim().split("\\s+");
                try {
                    return Long.parseLong(parts[0]) * 1024;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
