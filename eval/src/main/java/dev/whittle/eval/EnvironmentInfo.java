package dev.whittle.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import jdk.incubator.vector.FloatVector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine and JVM a result was measured on.
 *
 * @param cpuModel   "model name" from /proc/cpuinfo (null if unavailable)
 * @param cores      processors available to the JVM
 * @param threads    threads the run used
 * @param jdk        JDK version and vendor
 * @param vectorBits preferred Vector API species width in bits (null without jdk.incubator.vector)
 * @param os         OS name, version and architecture
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvironmentInfo(String cpuModel, int cores, int threads, String jdk, Integer vectorBits, String os) {

    public static EnvironmentInfo detect(int threads) {
        return new EnvironmentInfo(readCpuModel(), Runtime.getRuntime().availableProcessors(), threads,
                Runtime.version() + " (" + System.getProperty("java.vendor") + ")", preferredVectorBits(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }

    static String readCpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(cpuinfo)) {
                return cpuModelOf(Files.readAllLines(cpuinfo));
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    static String cpuModelOf(List<String> cpuinfo) {
        for (String line : cpuinfo) {
            if (line.startsWith("model name")) {
                int colon = line.indexOf(':');
                return colon < 0 ? null : line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static Integer preferredVectorBits() {
        try {
            return VectorWidth.preferredBits();
        } catch (LinkageError e) {
            return null;   // the incubator module is not in the boot layer
        }
    }

    /** Isolated so a JVM without jdk.incubator.vector fails only here, at first use. */
    private static final class VectorWidth {
        static int preferredBits() {
            return FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }
    }
}
