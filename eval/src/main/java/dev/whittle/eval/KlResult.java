package dev.whittle.eval;

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
}
