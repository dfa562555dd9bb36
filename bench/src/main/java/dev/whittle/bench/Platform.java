package dev.whittle.bench;

import jdk.incubator.vector.FloatVector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The facts about this machine and JVM that a benchmark result depends on. */
public final class Platform {
    private Platform() {}

    /** Width of the Vector API's preferred float species (what the engine's kernels use). */
    public static int vectorBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** For example {@code 25.0.1+8-LTS (Eclipse Adoptium)}. */
    public static String jdk() {
        return Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")";
    }

    /** The CPU model name from /proc/cpuinfo, else the OS architecture. */
    public static String cpuInfo() {
        Path p = Path.of("/proc/cpuinfo");
        if (Files.isReadable(p)) {
            try (Stream<String> lines = Files.lines(p)) {
                var name = lines.filter(l -> l.startsWith("model name")).findFirst();
                if (name.isPresent() && name.get().indexOf(':') >= 0) {
                    return name.get().substring(name.get().indexOf(':') + 1).trim();
                }
            } catch (IOException | java.io.UncheckedIOException ignored) {
                // Fall through: the architecture is still worth reporting.
            }
        }
        return System.getProperty("os.arch", "unknown");
    }
}
