package dev.whittle.bench;

import java.util.Arrays;

/**
 * One llama-bench test: {@code nPrompt} tokens prefilled at once (pp), or {@code nGen} tokens decoded one at a
 * time (tg), timed {@code samplesNs.length} times. Tokens per second are derived per sample, so the mean and
 * standard deviation are of t/s, not of time (llama-bench does the same).
 *
 * @param testTime when the test started, RFC 3339 UTC (llama-bench's {@code test_time})
 */
public record BenchResult(int nPrompt, int nGen, int threads, long[] samplesNs, String testTime) {
    public BenchResult {
        if (nPrompt < 0 || nGen < 0 || nPrompt + nGen == 0) {
            throw new IllegalArgumentException("a test needs prompt or generated tokens, got pp" + nPrompt + " tg" + nGen);
        }
        samplesNs = samplesNs.clone();
        for (long ns : samplesNs) {
            if (ns <= 0) throw new IllegalArgumentException("non-positive sample time " + ns + " ns");
        }
    }

    /** llama-bench's test name: pp512, tg128 or pp512+tg128. */
    public String name() {
        if (nGen == 0) return "pp" + nPrompt;
        if (nPrompt == 0) return "tg" + nGen;
        return "pp" + nPrompt + "+tg" + nGen;
    }

    @Override
    public long[] samplesNs() {
        return samplesNs.clone();
    }

    public int repetitions() {
        return samplesNs.length;
    }

    public double[] samplesTs() {
        double tokens = nPrompt + nGen;
        return Arrays.stream(samplesNs).mapToDouble(ns -> 1e9 * tokens / ns).toArray();
    }

    public double avgTs() {
        return SampleStats.mean(samplesTs());
    }

    public double stddevTs() {
        return SampleStats.stddev(samplesTs());
    }

    public long avgNs() {
        return Math.round(SampleStats.mean(Arrays.stream(samplesNs).asDoubleStream().toArray()));
    }

    public long stddevNs() {
        return Math.round(SampleStats.stddev(Arrays.stream(samplesNs).asDoubleStream().toArray()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BenchResult r && r.nPrompt == nPrompt && r.nGen == nGen && r.threads == threads
                && Arrays.equals(r.samplesNs, samplesNs) && r.testTime.equals(testTime);
    }

    @Override
    public int hashCode() {
        return (31 * name().hashCode() + threads) * 31 + Arrays.hashCode(samplesNs);
    }

    @Override
    public String toString() {
        return name() + " t" + threads + " " + Arrays.toString(samplesNs) + " ns";
    }
}
