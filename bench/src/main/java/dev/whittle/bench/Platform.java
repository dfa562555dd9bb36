package dev.whittle.bench;

import dev.whittle.engine.kernel.KernelSpecies;
import dev.whittle.engine.kernel.VectorWidth;

/** The facts about this machine and JVM that a benchmark result depends on. */
public final class Platform {
    private Platform() {}

    /** The vector width the engine's kernels run at in this JVM ({@link KernelSpecies#WIDTH}). */
    public static int vectorBits() {
        return KernelSpecies.F.vectorBitSize();
    }

    /** For example {@code 25.0.1+8-LTS (Eclipse Adoptium)}. */
    public static String jdk() {
        return Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")";
    }

    /** The CPU model name from /proc/cpuinfo, else the OS architecture. */
    public static String cpuInfo() {
        return VectorWidth.cpu();
    }
}
