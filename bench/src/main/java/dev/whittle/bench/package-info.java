/**
 * Speed measurement the way llama-bench does it: prompt processing (pp) and token generation (tg) tokens per
 * second over repeated runs ({@link dev.whittle.bench.ModelBenchmark}), the machine's memory read bandwidth and the
 * decode speed it allows ({@link dev.whittle.bench.MemoryBandwidth}), llama-bench's markdown and JSON outputs
 * ({@link dev.whittle.bench.BenchTables}, {@link dev.whittle.bench.BenchJson}) and a ratio-based regression gate
 * against a previous run ({@link dev.whittle.bench.RegressionGate}); also JMH matmul benchmarks
 * ({@link dev.whittle.bench.MatmulBenchmark}).
 */
package dev.whittle.bench;
