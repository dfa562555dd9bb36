package dev.whittle.bench;

import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Everything one {@code whittle bench} run measured, ready to print as llama-bench's markdown table or JSON.
 *
 * @param bandwidth the memory bandwidth measured with the benchmark's thread count in the same run, or null
 */
public record ModelBenchReport(ModelFacts model, int vectorBits, String jdk, String cpuInfo, List<BenchResult> results,
                          MemoryBandwidth.Measurement bandwidth) {
    public ModelBenchReport {
        Objects.requireNonNull(model, "model");
        results = List.copyOf(results);
    }

    /** The report for this machine and JVM. */
    public static ModelBenchReport of(ModelFacts model, List<BenchResult> results, MemoryBandwidth.Measurement bandwidth) {
        return new ModelBenchReport(model, Platform.vectorBits(), Platform.jdk(), Platform.cpuInfo(), results, bandwidth);
    }

    /** The table's backend column. */
    public String backend() {
        return "JVM Vector API (" + vectorBits + "-bit)";
    }

    /** Upper bound of decode t/s: best measured bandwidth over the weight bytes each token reads; empty if not measured. */
    public OptionalDouble decodeBound() {
        if (bandwidth == null) return OptionalDouble.empty();
        return OptionalDouble.of(MemoryBandwidth.bandwidthBound(model.decodeBytesPerToken(), bandwidth.bestGBps()));
    }
}
