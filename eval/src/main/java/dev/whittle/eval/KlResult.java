package dev.whittle.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * KL divergence and token statistics of a model against a base model on the same scored tokens, with
 * llama-perplexity's definitions: means with standard errors (sample std / √n), the log PPL ratio's
 * error from both variances and their covariance, the same-top rate's binomial error
 * {@code √(p(1−p)/(n−1))}, and the RMS Δp's error by the delta method {@code se(Δp²)/(2·rms)}.
 *
 * @param nllModel        the model's mean NLL (nats/token)
 * @param nllBase         the base model's mean NLL
 * @param nllCorrelation  correlation of the two mean NLLs (llama.cpp's "Cor(ln(PPL(Q)), ln(PPL(base)))")
 * @param lnPplRatio      mean ln(PPL(model)/PPL(base)) = mean NLL difference
 * @param kld             mean KL(base ‖ model) per token, nats
 * @param kldPercentiles  percentiles of the per-token KLD
 * @param sameTop         fraction of tokens where both models' most likely token agree
 * @param deltaP          mean Δp = p_model(correct) − p_base(correct)
 * @param rmsDeltaP       √(mean Δp²)
 * @param maxAbsDeltaP    largest |Δp|
 * @param deltaPPercentiles percentiles of Δp
 */
public record KlResult(PerplexityProtocol protocol, int chunks, long scoredTokens,
                       Estimate nllModel, Estimate nllBase, double nllCorrelation, Estimate lnPplRatio,
                       Estimate kld, Percentiles kldPercentiles, Estimate sameTop,
                       Estimate deltaP, Estimate rmsDeltaP, double maxAbsDeltaP, Percentiles deltaPPercentiles) {

    public double pplModel() {
        return Math.exp(nllModel.value());
    }

    public double pplBase() {
        return Math.exp(nllBase.value());
    }

    /** PPL(model)/PPL(base) with its first-order error {@code ratio · se(ln ratio)}. */
    public Estimate pplRatio() {
        double ratio = Math.exp(lnPplRatio.value());
        return new Estimate(ratio, ratio * lnPplRatio.stderr());
    }

    /** The numbers for a results file's {@code metrics} map (names in docs/results-schema.md). */
    public Map<String, Metric> metrics() {
        Map<String, Metric> m = new LinkedHashMap<>();
        long n = scoredTokens;
        m.put("ppl", expMetric(nllModel, "ppl"));
        m.put("ppl_base", expMetric(nllBase, "ppl"));
        m.put("ln_ppl_ratio", Metric.mean(lnPplRatio, "nats/token", n));
        m.put("ppl_ratio", expMetric(lnPplRatio, "ratio"));
        m.put("nll_correlation", Metric.of(nllCorrelation, "correlation"));
        m.put("kld_mean", Metric.mean(kld, "nats", n));
        m.put("kld_median", quantile(kldPercentiles.median(), "nats"));
        m.put("kld_p90", quantile(kldPercentiles.quantile(0.90), "nats"));
        m.put("kld_p95", quantile(kldPercentiles.quantile(0.95), "nats"));
        m.put("kld_p99", quantile(kldPercentiles.quantile(0.99), "nats"));
        m.put("kld_max", quantile(kldPercentiles.max(), "nats"));
        m.put("same_top", Metric.mean(sameTop, "fraction", n));
        m.put("delta_p_mean", Metric.mean(deltaP, "probability", n));
        m.put("delta_p_rms", Metric.mean(rmsDeltaP, "probability", n));
        m.put("delta_p_max_abs", quantile(maxAbsDeltaP, "probability"));
        return m;
    }

    private Metric quantile(double v, String unit) {
        return new Metric(v, null, null, null, unit, scoredTokens, null);
    }

    /** {@code exp} of a mean log quantity: first-order stderr and the exponentiated normal interval. */
    private Metric expMetric(Estimate log, String unit) {
        double v = Math.exp(log.value());
        boolean hasError = Double.isFinite(log.stderr());
        return new Metric(v, hasError ? v * log.stderr() : null, null,
                hasError ? Confidence.expInterval95(log.value(), log.stderr()) : null, unit, scoredTokens, null);
    }
}
