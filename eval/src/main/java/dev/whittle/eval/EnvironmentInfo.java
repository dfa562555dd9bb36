package dev.whittle.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.whittle.core.util.CpuModel;
import dev.whittle.engine.kernel.KernelSpecies;

/**
 * The machine and JVM a result was measured on.
 *
 * @param cpuModel   "model name" from /proc/cpuinfo (null if unavailable)
 * @param cores      processors available to the JVM
 * @param threads    threads the run used
 * @param jdk        JDK version and vendor
 * @param vectorBits the Vector API width the engine's kernels run at, in bits (null without jdk.incubator.vector)
 * @param os         OS name, version and architecture
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvironmentInfo(String cpuModel, int cores, int threads, String jdk, Integer vectorBits, String os) {

    public static EnvironmentInfo detect(int threads) {
        return new EnvironmentInfo(CpuModel.read().orElse(null), Runtime.getRuntime().availableProcessors(), threads,
                Runtime.version() + " (" + System.getProperty("java.vendor") + ")", kernelVectorBits(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }

    /** The width the engine's kernels run at in this JVM ({@code -Dwhittle.vectorBits}, a tuned width, else the preferred one). */
    private static Integer kernelVectorBits() {
        try {
            return Width.bits();
        } catch (LinkageError e) {
            return null;   // the incubator module is not in the boot layer
        }
    }

    /** Isolated so a JVM without jdk.incubator.vector fails only here, at first use. */
    private static final class Width {
        static int bits() {
            return KernelSpecies.F.vectorBitSize();
        }
    }
}
