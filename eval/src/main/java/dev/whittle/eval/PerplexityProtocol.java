package dev.whittle.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a token stream is cut into model calls and which predictions are scored. The three protocols
 * give different numbers on the same model and text, so results always name the protocol.
 *
 * <ul>
 *   <li>{@link LlamaCpp}: llama-perplexity's default. The text is tokenized once with BOS prepended when
 *       the model uses one; the stream is cut into {@code len / n_ctx} non-overlapping chunks of
 *       {@code n_ctx} tokens; each chunk's first token is replaced by BOS (if used); only the second
 *       half is scored: logits {@code j = n_ctx/2 .. n_ctx-2} predict tokens {@code j+1}, so
 *       {@code n_ctx - 1 - n_ctx/2} tokens per chunk. At least {@code 2·n_ctx} tokens are required.</li>
 *   <li>{@link Papers}: GPTQ/AWQ style. No BOS; {@code len / n_ctx} chunks; every prediction of a chunk
 *       is scored ({@code n_ctx - 1} per chunk, the HF shift-by-one loss).</li>
 *   <li>{@link Sliding}: HF "perplexity of fixed-length models" strided evaluation. Windows of up to
 *       {@code n_ctx} tokens start every {@code stride} tokens; each window scores only the tokens not
 *       scored by an earlier window, so every token but the first is scored exactly once. No BOS.</li>
 * </ul>
 */
public sealed interface PerplexityProtocol {

    /** Short stable name used in results files ({@code llama.cpp}, {@code papers}, {@code papers-sliding}). */
    String name();

    int nCtx();

    /** Window step; equals {@code n_ctx} for non-overlapping protocols. */
    int stride();

    /** Whether chunks start with BOS for a model that {@link LanguageModel#addsBos() adds one}. */
    boolean usesBos();

    /**
     * Cuts {@code textTokens} (the text's tokens, without BOS) into windows for {@code model}.
     *
     * @throws IllegalArgumentException if the text is too short for one window
     */
    List<EvalWindow> plan(int[] textTokens, LanguageModel model);

    /** Upper bound on the number of windows; {@code 0} means all. */
    int maxChunks();

    /** llama-perplexity's default protocol. */
    record LlamaCpp(int nCtx, int maxChunks) implements PerplexityProtocol {
        public LlamaCpp {
            checkContext(nCtx, maxChunks);
        }

        public LlamaCpp(int nCtx) {
            this(nCtx, 0);
        }

        @Override
        public String name() {
            return "llama.cpp";
        }

        @Override
        public int stride() {
            return nCtx;
        }

        @Override
        public boolean usesBos() {
            return true;
        }

        @Override
        public List<EvalWindow> plan(int[] textTokens, LanguageModel model) {
            boolean bos = model.addsBos();
            int[] stream = bos ? prepend(model.bosId(), textTokens) : textTokens;
            if (stream.length < 2 * nCtx) {
                throw new IllegalArgumentException("llama.cpp perplexity needs at least " + 2 * nCtx
                        + " tokens for n_ctx " + nCtx + ", the text has " + stream.length);
            }
            int chunks = limit(stream.length / nCtx, maxChunks);
            List<EvalWindow> windows = new ArrayList<>(chunks);
            for (int i = 0; i < chunks; i++) {
                int[] input = Arrays.copyOfRange(stream, i * nCtx, (i + 1) * nCtx);
                if (bos) {
                    input[0] = model.bosId();
                }
                windows.add(new EvalWindow(i, i * nCtx, input, nCtx / 2));
            }
            return windows;
        }
    }

    /** GPTQ/AWQ papers' protocol: every prediction of each non-overlapping chunk, no BOS. */
    record Papers(int nCtx, int maxChunks) implements PerplexityProtocol {
        public Papers {
            checkContext(nCtx, maxChunks);
        }

        public Papers(int nCtx) {
            this(nCtx, 0);
        }

        @Override
        public String name() {
            return "papers";
        }

        @Override
        public int stride() {
            return nCtx;
        }

        @Override
        public boolean usesBos() {
            return false;
        }

        @Override
        public List<EvalWindow> plan(int[] textTokens, LanguageModel model) {
            if (textTokens.length < nCtx) {
                throw new IllegalArgumentException("papers perplexity needs at least " + nCtx
                        + " tokens for n_ctx " + nCtx + ", the text has " + textTokens.length);
            }
            int chunks = limit(textTokens.length / nCtx, maxChunks);
            List<EvalWindow> windows = new ArrayList<>(chunks);
            for (int i = 0; i < chunks; i++) {
                int[] input = Arrays.copyOfRange(textTokens, i * nCtx, (i + 1) * nCtx);
                windows.add(new EvalWindow(i, i * nCtx, input, 0));
            }
            return windows;
        }
    }

    /** Strided sliding-window evaluation (HF transformers' recipe), no BOS. */
    record Sliding(int nCtx, int stride, int maxChunks) implements PerplexityProtocol {
        public Sliding {
            checkContext(nCtx, maxChunks);
            if (stride < 1 || stride > nCtx) {
                throw new IllegalArgumentException("stride must be in 1.." + nCtx + ", got " + stride);
            }
        }

        @Override
        public String name() {
            return "papers-sliding";
        }

        @Override
        public boolean usesBos() {
            return false;
        }

        @Override
        public List<EvalWindow> plan(int[] textTokens, LanguageModel model) {
            int len = textTokens.length;
            if (len < 2) {
                throw new IllegalArgumentException("sliding perplexity needs at least 2 tokens, the text has " + len);
            }
            List<EvalWindow> windows = new ArrayList<>();
            int previousEnd = 0;
            for (int begin = 0; begin < len; begin += stride) {
                int end = Math.min(begin + nCtx, len);
                int newTargets = end - previousEnd;
                int[] input = Arrays.copyOfRange(textTokens, begin, end);
                // Predictions j -> j+1 whose target lies in [previousEnd, end); position 0 has no prediction.
                int firstScored = Math.max(0, input.length - newTargets - 1);
                windows.add(new EvalWindow(windows.size(), begin, input, firstScored));
                previousEnd = end;
                if (end == len || (maxChunks > 0 && windows.size() == maxChunks)) {
                    break;
                }
            }
            return windows;
        }
    }

    private static void checkContext(int nCtx, int maxChunks) {
        if (nCtx < 2) {
            throw new IllegalArgumentException("n_ctx must be at least 2, got " + nCtx);
        }
        if (maxChunks < 0) {
            throw new IllegalArgumentException("maxChunks must be >= 0, got " + maxChunks);
        }
    }

    private static int limit(int chunks, int maxChunks) {
        return maxChunks > 0 ? Math.min(chunks, maxChunks) : chunks;
    }

    private static int[] prepend(int first, int[] rest) {
        int[] out = new int[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
