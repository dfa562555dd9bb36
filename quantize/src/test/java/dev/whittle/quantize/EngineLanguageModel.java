package dev.whittle.quantize;

import dev.whittle.core.model.Model;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Tensor;
import dev.whittle.engine.EngineOptions;
import dev.whittle.engine.InferenceModel;
import dev.whittle.engine.Session;
import dev.whittle.eval.LanguageModel;
import dev.whittle.eval.ModelSession;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test-only adapter from the engine to eval's {@link LanguageModel}. The engine multiplies float weights only, so
 * every tensor is decoded to F32 first: the model evaluated is exactly what a reader of the quantized file sees.
 */
final class EngineLanguageModel implements LanguageModel, AutoCloseable {
    private final InferenceModel engine;
    private final Arena arena;

    EngineLanguageModel(Model model, int maxContext) {
        this.arena = Arena.ofShared();
        Map<String, Tensor> f32 = new LinkedHashMap<>();
        for (String n0 : model.tensorNames()) {
            // compressed-tensors weights: decode each grouped-int weight once, under its weight's name
            if (dev.whittle.core.intq.GroupedIntWeights.isParameterTensor(n0) && !n0.endsWith(dev.whittle.core.intq.GroupedIntWeights.PACKED)) continue;
            String n = n0.endsWith(dev.whittle.core.intq.GroupedIntWeights.PACKED)
                    ? n0.substring(0, n0.length() - dev.whittle.core.intq.GroupedIntWeights.PACKED.length()) + ".weight" : n0;
            Tensor t = n.equals(n0) ? model.tensor(n) : model.quantizedWeights().get(n).dequantize(arena);
            float[] v = Dequantizer.toFloatArray(t);
            MemorySegment seg = arena.allocate(4L * v.length, 64);
            MemorySegment.copy(v, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, v.length);
            f32.put(n, new Tensor(n, t.shape(), DType.F32, seg));
        }
        this.engine = InferenceModel.load(model.config(), f32, new EngineOptions(2, maxContext));
    }

    @Override public int vocabSize() { return engine.vocabSize(); }
    @Override public boolean addsBos() { return true; }
    @Override public int bosId() { return Math.max(engine.config().bosTokenId(), 1); }
    @Override public int maxContext() { return engine.maxContext(); }

    @Override
    public ModelSession openSession(int threads) {
        Session s = engine.newSession();
        int vocab = vocabSize();
        return new ModelSession() {
            @Override
            public float[] logits(int[] tokens, int firstOutput) {
                s.reset();
                float[] all = s.prefillAll(tokens);
                return Arrays.copyOfRange(all, firstOutput * vocab, tokens.length * vocab);
            }

            @Override
            public float[] prefill(int[] tokens) {
                s.reset();
                return s.prefill(tokens);
            }

            @Override public float[] decode(int token) { return s.decode(token); }
            @Override public void reset() { s.reset(); }
            @Override public void close() {}
        };
    }

    InferenceModel engine() {
        return engine;
    }

    @Override
    public void close() {
        engine.close();
        arena.close();
    }
}
