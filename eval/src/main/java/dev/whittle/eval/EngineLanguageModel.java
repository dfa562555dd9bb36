package dev.whittle.eval;

import dev.whittle.core.gguf.GgufValue;
import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.Model;
import dev.whittle.engine.InferenceModel;
import dev.whittle.engine.Session;

import java.util.Arrays;

/** whittle's engine seen as an evaluation {@link LanguageModel}. */
public final class EngineLanguageModel implements LanguageModel {
    /** Default tokens per forward call, as llama.cpp's n_batch. */
    public static final int DEFAULT_BATCH = 512;

    private final InferenceModel engine;
    private final boolean addsBos;
    private final int bosId;
    private final int batch;

    public EngineLanguageModel(InferenceModel engine, boolean addsBos, int bosId, int batch) {
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        this.engine = engine;
        this.addsBos = addsBos && bosId >= 0;
        this.bosId = bosId;
        this.batch = batch;
    }

    /** The same model fed {@code n} tokens per forward call (results do not depend on it beyond float rounding). */
    public EngineLanguageModel withBatch(int n) {
        return new EngineLanguageModel(engine, addsBos, bosId, n);
    }

    /**
     * Adapts a loaded model. BOS follows the GGUF {@code tokenizer.ggml.add_bos_token} key when present, else the
     * family's habit (Llama-family tokenizers add BOS, GPT-2's does not).
     */
    public static EngineLanguageModel of(Model model, InferenceModel engine) {
        int bos = model.tokenizer().map(t -> t.bosId()).orElse(model.config().bosTokenId());
        GgufValue key = model.ggufMetadata().get("tokenizer.ggml.add_bos_token");
        boolean adds = key != null ? key.asBoolean() : model.config().architecture() != Architecture.GPT2;
        return new EngineLanguageModel(engine, adds, bos, DEFAULT_BATCH);
    }

    public InferenceModel engine() { return engine; }

    @Override public int vocabSize() { return engine.vocabSize(); }

    @Override public boolean addsBos() { return addsBos; }

    @Override public int bosId() { return bosId; }

    @Override public int maxContext() { return engine.maxContext(); }

    /** The engine's thread count was fixed when it was loaded; {@code threads} is informational here. */
    @Override
    public ModelSession openSession(int threads) {
        Session s = engine.newSession();
        int vocab = engine.vocabSize();
        return new ModelSession() {
            /** Feeds the window {@code batch} tokens at a time, keeping the rows from firstOutput on. */
            @Override
            public float[] logits(int[] tokens, int firstOutput) {
                s.reset();
                float[] out = new float[Math.multiplyExact(tokens.length - firstOutput, vocab)];
                for (int from = 0; from < tokens.length; from += batch) {
                    int[] piece = Arrays.copyOfRange(tokens, from, Math.min(tokens.length, from + batch));
                    int base = from;
                    s.prefill(piece, (i, row) -> {
                        int pos = base + i;
                        if (pos >= firstOutput) System.arraycopy(row, 0, out, (pos - firstOutput) * vocab, vocab);
                    });
                }
                return out;
            }

            @Override
            public float[] prefill(int[] tokens) {
                s.reset();
                return s.prefill(tokens);
            }

            @Override
            public float[] decode(int token) {
                return s.decode(token);
            }

            @Override
            public void reset() {
                s.reset();
            }

            @Override
            public void close() {
                s.reset();
            }
        };
    }
}
