package dev.whittle.eval;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Perplexity of a causal model over a token stream, under a {@link PerplexityProtocol}. Each window is
 * one batched {@link ModelSession#logits} call, so evaluation runs at prefill speed; log-softmax is
 * taken in double.
 */
public final class Perplexity {
    private final LanguageModel model;
    private final PerplexityProtocol protocol;

    public Perplexity(LanguageModel model, PerplexityProtocol protocol) {
        this.model = model;
        this.protocol = protocol;
        checkContext(model, protocol);
    }

    /** Evaluates {@code textTokens} (the text's tokens, no BOS) in {@code session}. */
    public PerplexityResult run(ModelSession session, int[] textTokens, ProgressLine.Listener listener) {
        checkTokens(textTokens, model.vocabSize());
        List<EvalWindow> windows = protocol.plan(textTokens, model);
        int vocab = model.vocabSize();
        MeanAccumulator nll = new MeanAccumulator();
        double[] running = new double[windows.size()];
        for (EvalWindow w : windows) {
            float[] logits = logitsOf(session, w, vocab);
            // Rows in parallel, summed in order: the result does not depend on thread scheduling.
            double[] nlls = new double[w.scoredCount()];
            IntStream.range(0, nlls.length).parallel().forEach(
                    k -> nlls[k] = LogSoftmax.nll(logits, k * vocab, vocab, w.target(w.firstScored() + k)));
            for (double x : nlls) {
                nll.add(x);
            }
            running[w.index()] = Math.exp(nll.mean());
            listener.chunkDone(w.index() + 1, windows.size(), running[w.index()]);
        }
        return new PerplexityResult(protocol, windows.size(), nll.count(), nll.mean(), nll.standardError(), running);
    }

    /** Runs one window and checks the shape of what the model returned. */
    static float[] logitsOf(ModelSession session, EvalWindow w, int vocab) {
        float[] logits = session.logits(w.input(), w.firstScored());
        long expected = (long) (w.input().length - w.firstScored()) * vocab;
        if (logits.length != expected) {
            throw new IllegalStateException("model returned " + logits.length + " logits for window " + w.index()
                    + ", expected " + expected + " (" + (w.input().length - w.firstScored()) + " rows × " + vocab + ")");
        }
        return logits;
    }

    static void checkContext(LanguageModel model, PerplexityProtocol protocol) {
        if (protocol.nCtx() > model.maxContext()) {
            throw new IllegalArgumentException("n_ctx " + protocol.nCtx() + " exceeds the model's context of "
                    + model.maxContext());
        }
        if (protocol.usesBos() && model.addsBos() && (model.bosId() < 0 || model.bosId() >= model.vocabSize())) {
            throw new IllegalArgumentException("BOS id " + model.bosId() + " outside the vocabulary of " + model.vocabSize());
        }
        long rowFloats = (long) protocol.nCtx() * model.vocabSize();
        if (rowFloats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("n_ctx " + protocol.nCtx() + " × vocab " + model.vocabSize()
                    + " logits do not fit one Java array; use a smaller n_ctx");
        }
    }

    /** Refuses token ids the model has no embedding for, before any model call. */
    static void checkTokens(int[] tokens, int vocab) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token " + i + " has id " + tokens[i]
                        + ", outside the model's vocabulary of " + vocab);
            }
        }
    }

}
