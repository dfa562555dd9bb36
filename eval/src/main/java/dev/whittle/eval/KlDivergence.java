package dev.whittle.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * KL divergence of a model from a base model over the tokens a {@link PerplexityProtocol} scores. The
 * base distributions come either from a second live session or from a file saved by
 * {@link #saveBase} (see {@link BaseLogitsFile} for its layout and error bound).
 *
 * <p>Per scored token: {@code KL(base ‖ model) = Σ_i p_i (log p_i − log q_i)} over the full vocabulary
 * in double, top-1 agreement, and {@code Δp = q(correct) − p(correct)}.
 *
 * <p>Error when the base comes from a saved file: each kept base log-probability is off by at most
 * {@code δ = step/2} (≤ 1.83e-4 nats), so per token
 * {@code |KL̂ − KL| ≤ δ·e^δ + (e^δ − 1)·Σ_i p_i |log p_i − log q_i| + Σ_dropped p_i |log p_i − log q_i|},
 * where the last sum covers the entries more than 24 nats below the base's top token. The base NLL and
 * top-1 are stored exactly, so PPL(base) and same-top are unaffected.
 */
public final class KlDivergence {
    private final LanguageModel model;
    private final PerplexityProtocol protocol;

    public KlDivergence(LanguageModel model, PerplexityProtocol protocol) {
        Perplexity.checkContext(model, protocol);
        this.model = model;
        this.protocol = protocol;
    }

    /** Base distributions for the scored positions of a window; {@link #row} is called from several threads. */
    private interface BaseRows {
        void startWindow(EvalWindow w);

        BaseRow row(EvalWindow w, int j);
    }

    /** Both models run now, on the same windows. */
    public KlResult run(ModelSession session, LanguageModel base, ModelSession baseSession, int[] textTokens,
                        ProgressLine.Listener listener) {
        if (base.vocabSize() != model.vocabSize()) {
            throw new IllegalArgumentException("base vocabulary " + base.vocabSize() + " differs from the model's "
                    + model.vocabSize());
        }
        if (protocol.usesBos() && (base.addsBos() != model.addsBos() || base.bosId() != model.bosId())) {
            throw new IllegalArgumentException("base and model disagree on BOS; they must see the same tokens");
        }
        int vocab = model.vocabSize();
        BaseRows rows = new BaseRows() {
            private float[] logits;

            @Override
            public void startWindow(EvalWindow w) {
                logits = Perplexity.logitsOf(baseSession, w, vocab);
            }

            @Override
            public BaseRow row(EvalWindow w, int j) {
                return BaseRow.fromLogits(logits, (j - w.firstScored()) * vocab, vocab, w.target(j));
            }
        };
        return run(session, textTokens, rows, listener);
    }

    /** The base distributions come from a file written by {@link #saveBase}. */
    public KlResult run(ModelSession session, Path baseLogits, int[] textTokens, ProgressLine.Listener listener) {
        Perplexity.checkTokens(textTokens, model.vocabSize());
        List<EvalWindow> windows = protocol.plan(textTokens, model);
        BaseLogitsFile.Header expected = BaseLogitsFile.Header.expected(model, protocol, textTokens, scored(windows));
        try (BaseLogitsReader reader = new BaseLogitsReader(baseLogits, expected)) {
            BaseRows rows = new BaseRows() {
                private long firstRow;
                private long nextFirstRow;

                @Override
                public void startWindow(EvalWindow w) {
                    firstRow = nextFirstRow;
                    nextFirstRow += w.scoredCount();
                }

                @Override
                public BaseRow row(EvalWindow w, int j) {
                    return reader.row(firstRow + (j - w.firstScored()));
                }
            };
            return run(session, windows, rows, listener);
        }
    }

    /**
     * Runs the base model alone, writes its scored rows to {@code file} atomically, and returns its
     * perplexity (as {@code --save-base-logits}).
     */
    public static PerplexityResult saveBase(LanguageModel base, ModelSession baseSession, PerplexityProtocol protocol,
                                            int[] textTokens, Path file, ProgressLine.Listener listener) {
        Perplexity.checkContext(base, protocol);
        Perplexity.checkTokens(textTokens, base.vocabSize());
        List<EvalWindow> windows = protocol.plan(textTokens, base);
        BaseLogitsFile.Header header = BaseLogitsFile.Header.expected(base, protocol, textTokens, scored(windows));
        int vocab = base.vocabSize();
        MeanAccumulator nll = new MeanAccumulator();
        double[] running = new double[windows.size()];
        try (BaseLogitsWriter writer = new BaseLogitsWriter(file, header)) {
            for (EvalWindow w : windows) {
                float[] logits = Perplexity.logitsOf(baseSession, w, vocab);
                for (int j = w.firstScored(); j < w.input().length - 1; j++) {
                    int row = (j - w.firstScored()) * vocab;
                    int target = w.target(j);
                    nll.add(LogSoftmax.nll(logits, row, vocab, target));
                    writer.write(logits, row, target);
                }
                running[w.index()] = Math.exp(nll.mean());
                listener.chunkDone(w.index() + 1, windows.size(), running[w.index()]);
            }
            writer.commit();
        }
        return new PerplexityResult(protocol, windows.size(), nll.count(), nll.mean(), nll.standardError(), running);
    }

    private KlResult run(ModelSession session, int[] textTokens, BaseRows rows, ProgressLine.Listener listener) {
        Perplexity.checkTokens(textTokens, model.vocabSize());
        return run(session, protocol.plan(textTokens, model), rows, listener);
    }

    private KlResult run(ModelSession session, List<EvalWindow> windows, BaseRows rows,
                         ProgressLine.Listener listener) {
        int vocab = model.vocabSize();
        long total = scored(windows);
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(total + " scored tokens are too many for per-token statistics");
        }
        KlAccumulator acc = new KlAccumulator((int) total);
        for (EvalWindow w : windows) {
            float[] logits = Perplexity.logitsOf(session, w, vocab);
            rows.startWindow(w);
            KlAccumulator.Token[] tokens = new KlAccumulator.Token[w.scoredCount()];
            IntStream.range(0, tokens.length).parallel().forEach(k -> {
                int j = w.firstScored() + k;
                tokens[k] = KlAccumulator.Token.of(logits, k * vocab, vocab, w.target(j), rows.row(w, j));
            });
            for (KlAccumulator.Token t : tokens) {
                acc.add(t);
            }
            listener.chunkDone(w.index() + 1, windows.size(), Math.exp(acc.meanNll()));
        }
        return acc.result(protocol, windows.size());
    }

    private static long scored(List<EvalWindow> windows) {
        long n = 0;
        for (EvalWindow w : windows) {
            n += w.scoredCount();
        }
        return n;
    }

    /** KL(p ‖ q) in nats for base log-probabilities {@code p} and model logits {@code q}; −∞ entries of p count as 0. */
    public static double klDivergence(double[] baseLogProbs, float[] logits, int offset, int vocab) {
        double max = LogSoftmax.max(logits, offset, vocab);
        return klDivergence(baseLogProbs, logits, offset, vocab, max, LogSoftmax.logSumShifted(logits, offset, vocab, max));
    }

    /** As above with the model row's maximum and shifted log-sum already known. */
    static double klDivergence(double[] baseLogProbs, float[] logits, int offset, int vocab, double max, double logSum) {
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            double lp = baseLogProbs[i];
            if (lp != Double.NEGATIVE_INFINITY) {
                sum += Math.exp(lp) * (lp - ((logits[offset + i] - max) - logSum));
            }
        }
        return sum;
    }
}
