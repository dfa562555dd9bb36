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

    /** What one scored token contributes; computed independently per token (in parallel), summed in order. */
    record Token(double nll, double nllBase, double kl, boolean sameTop) {

        /** The model's row {@code logits[offset .. offset+vocab)} against the base's row, both predicting {@code target}. */
        static Token of(float[] logits, int offset, int vocab, int target, BaseRow base) {
            double max = LogSoftmax.max(logits, offset, vocab);
            double logSum = LogSoftmax.logSumShifted(logits, offset, vocab, max);
            double nll = (max - logits[offset + target]) + logSum;
            double kl = KlDivergence.klDivergence(base.logProbs(), logits, offset, vocab, max, logSum);
            return new Token(nll, base.targetNll(), kl, LogSoftmax.argmax(logits, offset, vocab) == base.top1());
        }
    }

    /** Adds tokens in evaluation order, so sums do not depend on thread scheduling. */
    void add(Token t) {
        double dp = Math.exp(-t.nll()) - Math.exp(-t.nllBase());
        nll.add(t.nll());
        nllBase.add(t.nllBase());
        sumNllProducts += t.nll() * t.nllBase();
        kld.add(t.kl());
        deltaP.add(dp);
        deltaPSquared.add(dp * dp);
        maxAbsDeltaP = Math.max(maxAbsDeltaP, Math.abs(dp));
        if (t.sameTop()) {
            sameTop++;
        }
        kldValues[n] = t.kl();
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
