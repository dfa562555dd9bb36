package dev.whittle.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Perplexity of one run.
 *
 * @param protocol     the protocol used (its name goes into results files)
 * @param chunks       number of model calls (windows)
 * @param scoredTokens number of scored predictions
 * @param meanNll      mean negative log-likelihood, nats per token
 * @param nllStderr    standard error of the mean NLL (sample std / √n)
 * @param runningPpl   PPL over the chunks so far, after each chunk (llama-perplexity's "[i]ppl" line)
 */
public record PerplexityResult(PerplexityProtocol protocol, int chunks, long scoredTokens, double meanNll,
                               double nllStderr, double[] runningPpl) {

    /** {@code exp(mean NLL)}. */
    public double ppl() {
        return Math.exp(meanNll);
    }

    /** First-order standard error of the PPL, {@code ppl · se(NLL)}, as llama-perplexity prints it. */
    public double pplStderr() {
        return ppl() * nllStderr;
    }

    /** 95 % interval {@code [exp(mean − z·se), exp(mean + z·se)]}. */
    public double[] pplCi95() {
        return Confidence.expInterval95(meanNll, nllStderr);
    }

    /** llama-perplexity's progress line: {@code [1]12.3456,[2]11.9876,...}. */
    public String progressLine() {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < runningPpl.length; i++) {
            line.append(ProgressLine.entry(i + 1, runningPpl[i]));
        }
        return line.toString();
    }

    /** The numbers for a results file's {@code metrics} map: {@code ppl} and {@code mean_nll}. */
    public Map<String, Metric> metrics() {
        Map<String, Metric> m = new LinkedHashMap<>();
        boolean hasError = Double.isFinite(nllStderr);
        m.put("ppl", new Metric(ppl(), hasError ? pplStderr() : null, null, hasError ? pplCi95() : null, "ppl",
                scoredTokens, null));
        m.put("mean_nll", Metric.mean(new Estimate(meanNll, nllStderr), "nats/token", scoredTokens));
        return m;
    }
}
