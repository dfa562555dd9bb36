package dev.whittle.eval;

import java.util.Arrays;

/** Per-token KLD statistics, summed as llama.cpp's {@code kl_divergence_result} and kept for percentiles. */
final class KlAccumulator {
    private final MeanAccumulator nll = new MeanAccumulator();
    private final MeanAccumulator nllBase = new MeanAccumulator();
    private final MeanAccumulator kld = new MeanAccumulator();
    private final MeanAccumulator deltaP = new MeanAccumulator();
    private final MeanAccumulator deltaPSquared = new MeanAccumulator();
    private double sumNllProducts;
    private long sameTop;
    private double maxAbsDeltaP;
    private final double[] kldValues;
    private final double[] deltaPValues;
    private int n;

    KlAccumulator(int capacity) {
        kldValues = new double[capacity];
        deltaPValues = new double[capacity];
    }

    void add(float[] logits, int offset, int vocab, int target, BaseRow base) {
        double tokenNll = LogSoftmax.nll(logits, offset, vocab, target);
        double kl = KlDivergence.klDivergence(base.logProbs(), logits, offset, vocab);
        double dp = Math.exp(-tokenNll) - Math.exp(-base.targetNll());
        nll.add(tokenNll);
        nllBase.add(base.targetNll());
        sumNllProducts += tokenNll * base.targetNll();
        kld.add(kl);
        deltaP.add(dp);
        deltaPSquared.add(dp * dp);
        maxAbsDeltaP = Math.max(maxAbsDeltaP, Math.abs(dp));
        if (LogSoftmax.argmax(logits, offset, vocab) == base.top1()) {
            sameTop++;
        }
        kldValues[n] = kl;
        deltaPValues[n] = dp;
        n++;
    }

    double meanNll() {
        return nll.mean();
    }

    KlResult result(PerplexityProtocol protocol, int chunks) {
        if (n == 0) {
            throw new IllegalArgumentException("no scored tokens");
        }
        Estimate model = Estimate.of(nll);
        Estimate base = Estimate.of(nllBase);
        double cov = MeanAccumulator.covarianceOfMeans(nll, nllBase, sumNllProducts);
        double correlation = cov / (model.stderr() * base.stderr());
        double lnRatioSe = Math.sqrt(Math.max(0, model.stderr() * model.stderr() + base.stderr() * base.stderr() - 2 * cov));
        Estimate lnRatio = new Estimate(model.value() - base.value(), lnRatioSe);

        double p = (double) sameTop / n;
        Estimate top = new Estimate(p, n > 1 ? Math.sqrt(p * (1 - p) / (n - 1)) : Double.NaN);
        double rms = Math.sqrt(deltaPSquared.mean());
        Estimate rmsDp = new Estimate(rms, rms > 0 ? 0.5 / rms * deltaPSquared.standardError() : 0);
        double[] klds = n == kldValues.length ? kldValues : Arrays.copyOf(kldValues, n);
        double[] dps = n == deltaPValues.length ? deltaPValues : Arrays.copyOf(deltaPValues, n);
        return new KlResult(protocol, chunks, n, model, base, correlation, lnRatio, Estimate.of(kld),
                new Percentiles(klds), top, Estimate.of(deltaP), rmsDp, maxAbsDeltaP, new Percentiles(dps));
    }
}
