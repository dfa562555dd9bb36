package dev.whittle.eval;

import dev.whittle.core.gguf.GgufValue;
import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.Model;
import dev.whittle.engine.InferenceModel;
import dev.whittle.engine.Session;

import java.util.Arrays;

/** whittle's engine seen as an evaluation {@link LanguageModel}. */
public final class EngineLanguageModel implements LanguageModel {
    private final InferenceModel engine;
    private final boolean addsBos;
    private final int bosId;

    public EngineLanguageModel(InferenceModel engine, boolean addsBos, int bosId) {
        this.engine = engine;
        this.addsBos = addsBos && bosId >= 0;
        this.bosId = bosId;
    }

    /**
     * Adapts a loaded model. BOS follows the GGUF {@code tokenizer.ggml.add_bos_token} key when present, else the
     * family's habit (Llama-family tokenizers add BOS, GPT-2's does not).
     */
    public static EngineLanguageModel of(Model model, InferenceModel engine) {
        int bos = model.tokenizer().map(t -> t.bosId()).orElse(model.config().bosTokenId());
        GgufValue key = model.ggufMetadata().get("tokenizer.ggml.add_bos_token");
        boolean adds = key != null ? key.asBoolean() : model.config().architecture() != Architecture.GPT2;
        return new EngineLanguageModel(engine, adds, bos);
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
            @Override
            public float[] logits(int[] tokens, int firstOutput) {
                s.reset();
                float[] all = s.prefillAll(tokens);
                return firstOutput == 0 ? all : Arrays.copyOfRange(all, firstOutput * vocab, tokens.length * vocab);
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
