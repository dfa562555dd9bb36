package dev.whittle.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency measurements of one {@link LatencyBenchmark} run. Throughput fields follow llama-bench's
 * names: per test {@code n_prompt}, {@code n_gen}, {@code avg_ts} (mean tokens/s over repetitions),
 * {@code stddev_ts} (sample standard deviation) and {@code samples_ts} (each repetition's tokens/s).
 *
 * @param prefill  the prompt-processing test (llama-bench "pp": n_gen = 0)
 * @param decode   the generation test (llama-bench "tg"; here it runs after the prompt, so n_prompt is the depth)
 * @param ttftMsAvg      mean time to first token, ms
 * @param ttftMsStddev   its sample standard deviation
 * @param decodeMsP50    median per-token decode latency, ms (HdrHistogram, 3 significant digits)
 * @param decodeMsP90    90th percentile
 * @param decodeMsP99    99th percentile
 * @param decodeMsMax    largest
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LatencyResult(int threads, int repetitions, int warmups, long seed, Test prefill, Test decode,
                            double ttftMsAvg, double ttftMsStddev,
                            Double decodeMsP50, Double decodeMsP90, Double decodeMsP99, Double decodeMsMax) {

    /** One llama-bench style test. */
    public record Test(int nPrompt, int nGen, double avgTs, double stddevTs, double[] samplesTs) {
        static Test of(int nPrompt, int nGen, double[] samples) {
            return new Test(nPrompt, nGen, mean(samples), stddev(samples), samples);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Test t && nPrompt == t.nPrompt && nGen == t.nGen && Double.compare(avgTs, t.avgTs) == 0
                    && Double.compare(stddevTs, t.stddevTs) == 0 && java.util.Arrays.equals(samplesTs, t.samplesTs);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(nPrompt, nGen, avgTs, stddevTs, java.util.Arrays.hashCode(samplesTs));
        }
    }

    static LatencyResult of(LatencyBenchmark.Config c, double[] ttftMs, double[] prefillTs, double[] decodeTs,
                            Histogram decodeNanos) {
        Test decode = c.nGen() > 0 ? Test.of(c.nPrompt(), c.nGen(), decodeTs) : null;
        boolean hasDecode = decodeNanos.getTotalCount() > 0;
        return new LatencyResult(c.threads(), c.repetitions(), c.warmups(), c.seed(),
                Test.of(c.nPrompt(), 0, prefillTs), decode, mean(ttftMs), stddev(ttftMs),
                hasDecode ? percentileMs(decodeNanos, 50) : null,
                hasDecode ? percentileMs(decodeNanos, 90) : null,
                hasDecode ? percentileMs(decodeNanos, 99) : null,
                hasDecode ? decodeNanos.getMaxValue() / 1e6 : null);
    }

    /** The percentile, as the middle of its HdrHistogram bucket (the bucket's top would bias it upward). */
    private static double percentileMs(Histogram h, double percentile) {
        return h.medianEquivalentValue(h.getValueAtPercentile(percentile)) / 1e6;
    }

    /** The numbers for a results file's {@code metrics} map. */
    public Map<String, Metric> metrics() {
        Map<String, Metric> m = new LinkedHashMap<>();
        m.put("ttft", timing(ttftMsAvg, ttftMsStddev, "ms"));
        m.put("prefill_tps", timing(prefill.avgTs(), prefill.stddevTs(), "tokens/s"));
        if (decode != null) {
            m.put("decode_tps", timing(decode.avgTs(), decode.stddevTs(), "tokens/s"));
            m.put("decode_latency_p50", new Metric(decodeMsP50, null, null, null, "ms", (long) repetitions * decode.nGen(), null));
            m.put("decode_latency_p90", new Metric(decodeMsP90, null, null, null, "ms", (long) repetitions * decode.nGen(), null));
            m.put("decode_latency_p99", new Metric(decodeMsP99, null, null, null, "ms", (long) repetitions * decode.nGen(), null));
        }
        return m;
    }

    private Metric timing(double mean, double stddev, String unit) {
        boolean spread = repetitions > 1;
        Double se = spread ? stddev / Math.sqrt(repetitions) : null;
        return new Metric(mean, se, spread ? stddev : null, spread ? Confidence.interval95(mean, se) : null, unit,
                (long) repetitions, null);
    }

    static double mean(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return xs.length == 0 ? Double.NaN : s / xs.length;
    }

    /** Sample standard deviation (n − 1); 0 below two samples, as llama-bench reports it. */
    static double stddev(double[] xs) {
        if (xs.length < 2) {
            return 0;
        }
        double m = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (xs.length - 1));
    }
}
