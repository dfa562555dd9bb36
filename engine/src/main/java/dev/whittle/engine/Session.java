package dev.whittle.engine;

import dev.whittle.core.model.ModelConfig;
import dev.whittle.engine.kernel.KernelSpecies;
import dev.whittle.engine.kernel.OuterProductGemm;

import java.util.Arrays;


/**
 * One running sequence: the KV cache and the next position. {@link #prefill} feeds a batch of tokens (all
 * projections are matrix × matrix over the batch), {@link #decode} feeds one; both go through the same
 * forward code, so feeding a prompt at once or token by token gives the same logits up to float rounding.
 * Not thread-safe.
 */
public final class Session {
    private final InferenceModel model;
    private final ModelConfig config;
    private final KvCache cache;
    private int position;

    Session(InferenceModel model) {
        this.model = model;
        this.config = model.config;
        this.cache = new KvCache(config.numLayers(), config.kvDim(), model.maxContext);
    }

    /** Tokens consumed so far (the position the next token takes). */
    public int position() {
        return position;
    }

    /** Positions still free before {@link InferenceModel#maxContext()}. */
    public int remaining() {
        return model.maxContext - position;
    }

    /** Forgets all tokens; the next one is position 0 again. */
    public void reset() {
        position = 0;
    }

    /** Receives the logits of each fed position in order; see {@link #prefill(int[], LogitsSink)}. */
    @FunctionalInterface
    public interface LogitsSink {
        /** @param index position within the fed tokens (0-based); logits [vocab], the caller's to keep */
        void accept(int index, float[] logits);
    }

    /** Tokens whose logits are computed together when streaming them to a {@link LogitsSink}. */
    private static final int LOGIT_ROWS_PER_BATCH = 16;

    /** Feeds tokens and returns the logits [vocab] predicting the token after the last one. */
    public float[] prefill(int[] tokens) {
        float[] x = forward(tokens);
        return logits(x, tokens.length - 1, 1);
    }

    /**
     * Feeds tokens and returns the logits of every position, flat row-major [tokens.length × vocab]: row t
     * predicts the token after tokens[t] (what perplexity needs). For long inputs with large vocabularies
     * prefer {@link #prefill(int[], LogitsSink)}, which never holds more than a few rows.
     */
    public float[] prefillAll(int[] tokens) {
        long size = (long) tokens.length * config.vocabSize();
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(tokens.length + " × " + config.vocabSize()
                    + " logits do not fit one array; use prefill(tokens, sink)");
        }
        float[] x = forward(tokens);
        return logits(x, 0, tokens.length);
    }

    /** Feeds tokens and hands the logits of every position to {@code sink}, in order, a few rows at a time. */
    public void prefill(int[] tokens, LogitsSink sink) {
        float[] x = forward(tokens);
        int vocab = config.vocabSize();
        for (int from = 0; from < tokens.length; from += LOGIT_ROWS_PER_BATCH) {
            int rows = Math.min(LOGIT_ROWS_PER_BATCH, tokens.length - from);
            float[] batch = logits(x, from, rows);
            for (int r = 0; r < rows; r++) sink.accept(from + r, Arrays.copyOfRange(batch, r * vocab, (r + 1) * vocab));
        }
    }

    /** Feeds one token and returns the logits [vocab] for the next. */
    public float[] decode(int token) {
        return prefill(new int[] {token});
    }

    /** Final norm and output head over hidden rows [from, from+rows) of x. */
    private float[] logits(float[] x, int from, int rows) {
        float[] normed = model.finalNorm.rows(x, from, rows);
        return model.lmHead.apply(normed, rows, model.parallel);
    }

    /** Runs all blocks over the tokens, appends them to the cache and returns the final hidden states [n × hidden]. */
    private float[] forward(int[] tokens) {
        int n = tokens.length;
        if (n == 0) throw new IllegalArgumentException("no tokens to feed");
        if (n > remaining()) {
            throw new IllegalArgumentException("feeding " + n + " tokens at position " + position
                    + " exceeds the context limit of " + model.maxContext);
        }
        int hidden = config.hiddenSize();
        int vocab = config.vocabSize();
        float[] x = new float[n * hidden];
        for (int t = 0; t < n; t++) {
            int id = tokens[t];
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, " + vocab + ")");
            }
            model.tokenEmbedding.row(id, x, t * hidden, false);
            if (model.positionEmbedding != null) model.positionEmbedding.row(position + t, x, t * hidden, true);
        }
        cache.ensureCapacity(position + n);
        Angles angles = model.rope == null ? null : Angles.of(model.rope, position, n);
        for (int l = 0; l < model.layers.size(); l++) {
            layer(l, model.layers.get(l), x, n, angles);
        }
        position += n;
        return x;
    }

    private void layer(int index, LayerWeights w, float[] x, int n, Angles angles) {
        Parallel par = model.parallel;
        int qd = config.qDim();
        int kvd = config.kvDim();
        float[] xn = w.attentionNorm().rows(x, 0, n);
        float[] q;
        float[] k;
        float[] v;
        if (w.fusedQkv()) {
            float[] qkv = w.qkv().apply(xn, n, par);
            q = new float[n * qd];
            k = new float[n * kvd];
            v = new float[n * kvd];
            int stride = qd + 2 * kvd;
            for (int t = 0; t < n; t++) {
                System.arraycopy(qkv, t * stride, q, t * qd, qd);
                System.arraycopy(qkv, t * stride + qd, k, t * kvd, kvd);
                System.arraycopy(qkv, t * stride + qd + kvd, v, t * kvd, kvd);
            }
        } else {
            float[][] qkv = Projection.applyAll(new Projection[] {w.q(), w.k(), w.v()}, xn, n, par);
            q = qkv[0];
            k = qkv[1];
            v = qkv[2];
        }
        if (angles != null) {
            int hd = config.headDim();
            for (int t = 0; t < n; t++) {
                float[] cos = angles.cos[t];
                float[] sin = angles.sin[t];
                for (int h = 0; h < config.numHeads(); h++) ForwardVectorOps.ropeRotateHalf(q, t * qd + h * hd, hd, cos, sin);
                for (int h = 0; h < config.numKvHeads(); h++) ForwardVectorOps.ropeRotateHalf(k, t * kvd + h * hd, hd, cos, sin);
            }
        }
        cache.store(index, position, n, k, v);
        float[] attended = attention(index, q, n);
        float[] o = w.o().apply(attended, n, par);
        ForwardVectorOps.add(o, 0, x, 0, n * config.hiddenSize());

        xn = w.mlpNorm().rows(x, 0, n);
        float[] up;
        if (w.gated()) {
            float[][] gateUp = Projection.applyAll(new Projection[] {w.gate(), w.up()}, xn, n, par);
            float[] gate = gateUp[0];
            model.activation.applyGated(gate, gateUp[1], gate.length);
            up = gate;
        } else {
            up = w.up().apply(xn, n, par);
            model.activation.apply(up, up.length);
        }
        float[] down = w.down().apply(up, n, par);
        ForwardVectorOps.add(down, 0, x, 0, n * config.hiddenSize());
    }

    /**
     * Causal (optionally sliding-window) attention of the n new queries over all cached positions. Query
     * head h reads KV head h / (numHeads / numKvHeads). Each (token, head) pair is computed on its own, so
     * the split over threads cannot change the result.
     */
    private float[] attention(int layer, float[] q, int n) {
        if (n >= GEMM_ATTENTION_TOKENS) return attentionAsGemm(layer, q, n);
        int heads = config.numHeads();
        int hd = config.headDim();
        int qd = config.qDim();
        int kvd = config.kvDim();
        int group = heads / config.numKvHeads();
        float scale = scoreScale();
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        float[] out = new float[n * qd];
        int start = position;
        long workPerHead = 2L * (start + n) * hd;
        model.parallel.forRange(n * heads, Parallel.minChunk(workPerHead, 1), (from, to) -> {
            float[] scores = new float[start + n];
            for (int idx = from; idx < to; idx++) {
                int t = idx / heads;
                int h = idx % heads;
                int pos = start + t;
                int kvOff = (h / group) * hd;
                int lo = firstVisible(pos);
                int len = pos - lo + 1;
                int qOff = t * qd + h * hd;
                ForwardVectorOps.dotRows(q, qOff, keys, lo * kvd + kvOff, kvd, len, hd, scale, scores);
                ForwardVectorOps.softmax(scores, 0, len);
                ForwardVectorOps.weightedRowSum(scores, len, values, lo * kvd + kvOff, kvd, out, qOff, hd);
            }
        });
        return out;
    }

    /** HF's rule: key j is visible to the query at position i when j <= i and, with a window, i - j < window. */
    private int firstVisible(int pos) {
        int window = config.slidingWindow();
        return window > 0 ? Math.max(0, pos - window + 1) : 0;
    }

    /** Scores are q·k / sqrt(head dim). */
    private float scoreScale() {
        return (float) (1.0 / Math.sqrt(config.headDim()));
    }

    /** Queries from which a head's attention runs as two matrix products instead of row by row. */
    static final int GEMM_ATTENTION_TOKENS = 16;
    /** Queries per causal block of {@link #attentionAsGemm}: a multiple of its GEMM's 6-row tile. */
    private static final int ATTENTION_ROW_BLOCK = 48;

    /**
     * Attention for a prompt chunk as matrix products per query head: scores S = Q_h·K_g^T over all visible
     * positions (K_g transposed once per KV head), masked, softmaxed row by row, then O_h = P·V_g, both with
     * {@link OuterProductGemm}. Row by row, every score was a 64-wide dot with its own lane sum and the value sum
     * a chain over rows: about a tenth of the FMA peak, 11-15 % of a 512-token prefill. Heads are independent, so
     * the split over threads cannot change the result; the sums run in a different order from the row-by-row
     * path used for decode, so prefill and decode agree to float rounding, as the batched matmuls already do.
     */
    private float[] attentionAsGemm(int layer, float[] q, int n) {
        int hd = config.headDim(), qd = config.qDim(), kvd = config.kvDim();
        int group = config.numHeads() / config.numKvHeads();
        float scale = scoreScale();
        float[] keys = cache.keys(layer), values = cache.values(layer);
        float[] out = new float[n * qd];
        int start = position;
        // the first position visible to the chunk's first query: keys before it are never read
        int first = firstVisible(start);
        int span = start + n - first;
        long workPerHead = 2L * n * span * hd;
        model.parallel.forRange(config.numHeads(), Parallel.minChunk(workPerHead, 1), (from, to) -> {
            float[] kt = new float[hd * span];
            float[] scores = new float[n * span];
            int transposedFor = -1;
            for (int h = from; h < to; h++) {
                int g = h / group;
                if (g != transposedFor) {
                    for (int j = 0; j < span; j++) {
                        int src = (first + j) * kvd + g * hd;
                        for (int d = 0; d < hd; d++) kt[d * span + j] = keys[src + d];
                    }
                    transposedFor = g;
                }
                // causal: a block of queries needs keys only up to its last query's position, so both products
                // stop there (about half the work of the full square for one chunk). Each output is the same fma
                // chain either way, and the dropped terms of P·V were exact zeros.
                for (int t0 = 0; t0 < n; t0 += ATTENTION_ROW_BLOCK) {
                    int t1 = Math.min(n, t0 + ATTENTION_ROW_BLOCK);
                    // keys [0, start + t1 - first) of the span are visible to some query of the block; rounded up
                    // to the GEMM's 4-vector tile width so no column falls to its slow edge code (extra columns
                    // are masked to zero like any invisible key)
                    int cols = Math.min(span, -Math.floorDiv(-(start + t1 - first), 4 * KernelSpecies.L) * 4 * KernelSpecies.L);
                    OuterProductGemm.multiply(q, t0 * qd + h * hd, qd, 1, kt, 0, span, scores, t0 * span, span, t1 - t0, cols, hd, false);
                    for (int t = t0; t < t1; t++) {
                        int pos = start + t;
                        int lo = firstVisible(pos) - first;
                        int hi = pos - first + 1; // visible: [lo, hi) of the span
                        int row = t * span;
                        for (int j = lo; j < hi; j++) scores[row + j] *= scale;
                        ForwardVectorOps.softmax(scores, row + lo, hi - lo);
                        Arrays.fill(scores, row, row + lo, 0f);
                        Arrays.fill(scores, row + hi, row + cols, 0f);
                    }
                    OuterProductGemm.multiply(scores, t0 * span, span, 1, values, first * kvd + g * hd, kvd, out, t0 * qd + h * hd, qd, t1 - t0, hd, cols, false);
                }
            }
        });
        return out;
    }

    /** cos/sin of the rotary angles for the n positions being fed, shared by all layers. */
    private record Angles(float[][] cos, float[][] sin) {
        static Angles of(Rope rope, int start, int n) {
            float[][] cos = new float[n][rope.half()];
            float[][] sin = new float[n][rope.half()];
            for (int t = 0; t < n; t++) rope.angles(start + t, cos[t], sin[t]);
            return new Angles(cos, sin);
        }
    }

    @Override
    public String toString() {
        return "Session[position=" + position + ", maxContext=" + model.maxContext + "]";
    }
}
