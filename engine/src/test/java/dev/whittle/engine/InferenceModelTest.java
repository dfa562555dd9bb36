package dev.whittle.engine;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.RopeScaling;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading rules (names, layouts, validation) and session API misuse. */
class InferenceModelTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static Arena arena;

    @BeforeAll
    static void open() {
        arena = Arena.ofShared();
    }

    @AfterAll
    static void close() {
        arena.close();
    }

    private static float[] run(ModelConfig c, Map<String, Tensor> w, int[] tokens) {
        try (InferenceModel m = InferenceModel.load(c, w, new EngineOptions(2, 0))) {
            return m.newSession().prefillAll(tokens);
        }
    }

    @Test
    void gpt2AcceptsLinearLayoutAndTransformerPrefix() {
        ModelConfig c = RandomModels.GPT2.config();
        Map<String, Tensor> conv = RandomModels.weights(c, DType.F32, 5, arena);
        int[] tokens = RandomModels.tokens(20, c.vocabSize(), 6);
        float[] expected = run(c, conv, tokens);

        Map<String, Tensor> linear = new LinkedHashMap<>();
        Map<String, Tensor> prefixed = new LinkedHashMap<>();
        conv.forEach((name, t) -> {
            boolean conv1d = name.matches("h\\.\\d+\\.(attn|mlp)\\.c_\\w+\\.weight");
            linear.put(name, conv1d ? transpose(t) : t);
            prefixed.put("transformer." + name, t.withName("transformer." + name));
        });
        float[] viaLinear = run(c, linear, tokens);
        double max = 0;
        for (int i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(expected[i] - viaLinear[i]));
        assertTrue(max < 1e-4, "Linear-layout GPT-2 differs from Conv1D layout by " + max);
        assertArrayEquals(expected, run(c, prefixed, tokens), "transformer. prefix changes nothing");
    }

    @Test
    void missingTensorIsNamed() {
        ModelConfig c = RandomModels.QWEN2_BIAS_TIED.config();
        Map<String, Tensor> w = RandomModels.weights(c, DType.F32, 1, arena);
        w.remove("model.layers.1.mlp.up_proj.weight");
        var e = assertThrows(ModelFormatException.class,
                () -> InferenceModel.load(c, w, new EngineOptions(1, 0), Path.of("m.safetensors")));
        assertEquals("m.safetensors: missing tensor model.layers.1.mlp.up_proj.weight", e.getMessage());
    }

    @Test
    void missingBiasWhenConfigSaysAttentionBias() {
        ModelConfig c = RandomModels.QWEN2_BIAS_TIED.config();
        Map<String, Tensor> w = RandomModels.weights(c, DType.F32, 1, arena);
        w.remove("model.layers.0.self_attn.q_proj.bias");
        var e = assertThrows(ModelFormatException.class, () -> InferenceModel.load(c, w, new EngineOptions(1, 0)));
        assertTrue(e.getMessage().contains("model.layers.0.self_attn.q_proj.bias"), e.getMessage());
    }

    @Test
    void untiedModelWithoutLmHeadIsRejected() {
        ModelConfig c = RandomModels.LLAMA3_GQA_UNTIED.config();
        Map<String, Tensor> w = RandomModels.weights(c, DType.F32, 1, arena);
        w.remove("lm_head.weight");
        var e = assertThrows(ModelFormatException.class, () -> InferenceModel.load(c, w, new EngineOptions(1, 0)));
        assertTrue(e.getMessage().contains("lm_head.weight"), e.getMessage());
    }

    @Test
    void wrongShapeIsReportedWithBothShapes() {
        ModelConfig c = RandomModels.MISTRAL_WINDOW.config();
        Map<String, Tensor> w = RandomModels.weights(c, DType.F32, 1, arena);
        Tensor k = w.get("model.layers.0.self_attn.k_proj.weight");
        w.put(k.name(), new Tensor(k.name(), new long[] {32, 32}, DType.F32, k.data().asSlice(0, 32 * 32 * 4)));
        var e = assertThrows(ModelFormatException.class, () -> InferenceModel.load(c, w, new EngineOptions(1, 0)));
        assertTrue(e.getMessage().contains("k_proj.weight has shape [32, 32], expected [16, 64]"), e.getMessage());
    }

    @Test
    void truncatedDataIsRejected() {
        ModelConfig c = RandomModels.MISTRAL_WINDOW.config();
        Map<String, Tensor> w = RandomModels.weights(c, DType.F32, 1, arena);
        Tensor q = w.get("model.layers.0.self_attn.q_proj.weight");
        w.put(q.name(), new Tensor(q.name(), q.shape(), DType.F32, q.data().asSlice(0, 100)));
        var e = assertThrows(ModelFormatException.class, () -> InferenceModel.load(c, w, new EngineOptions(1, 0)));
        assertTrue(e.getMessage().contains("q_proj.weight holds 100 bytes"), e.getMessage());
    }

    @Test
    void weightDtypeWithoutKernelIsRejected() {
        ModelConfig c = RandomModels.MISTRAL_WINDOW.config();
        Map<String, Tensor> w = RandomModels.weights(c, DType.F32, 1, arena);
        Tensor g = w.get("model.layers.1.mlp.gate_proj.weight");
        w.put(g.name(), new Tensor(g.name(), g.shape(), DType.BOOL, g.data()));
        var e = assertThrows(ModelFormatException.class, () -> InferenceModel.load(c, w, new EngineOptions(1, 0)));
        assertTrue(e.getMessage().contains("gate_proj.weight has dtype BOOL"), e.getMessage());
    }

    @Test
    void unsupportedConfigsAreIllegalArguments() {
        ModelConfig ok = RandomModels.MISTRAL_WINDOW.config();
        Map<String, Tensor> w = RandomModels.weights(ok, DType.F32, 1, arena);
        ModelConfig badHeads = new ModelConfig(Architecture.LLAMA, 64, 2, 4, 3, 16, 128, 100, 128, 1e4,
                RopeScaling.NONE, 1e-5, false, false, false, "silu", 0, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> InferenceModel.load(badHeads, w, new EngineOptions(1, 0)));
        ModelConfig badAct = new ModelConfig(Architecture.LLAMA, 64, 2, 4, 1, 16, 128, 100, 128, 1e4,
                RopeScaling.NONE, 1e-5, false, false, false, "relu6", 0, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> InferenceModel.load(badAct, w, new EngineOptions(1, 0)));
        ModelConfig yarn = new ModelConfig(Architecture.LLAMA, 64, 2, 4, 1, 16, 128, 100, 128, 1e4,
                new RopeScaling("yarn", 4, 1, 1, 32), 1e-5, false, false, false, "silu", 0, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> InferenceModel.load(yarn, w, new EngineOptions(1, 0)));
        assertThrows(IllegalArgumentException.class, () -> new EngineOptions(0, 0));
    }

    @Test
    void sessionRejectsBadTokensAndContextOverflow() {
        ModelConfig c = RandomModels.MISTRAL_WINDOW.config();
        Map<String, Tensor> w = RandomModels.weights(c, DType.F32, 1, arena);
        try (InferenceModel m = InferenceModel.load(c, w, new EngineOptions(1, 10))) {
            assertEquals(10, m.maxContext());
            Session s = m.newSession();
            assertThrows(IllegalArgumentException.class, () -> s.prefill(new int[0]));
            assertThrows(IllegalArgumentException.class, () -> s.decode(100));
            assertThrows(IllegalArgumentException.class, () -> s.decode(-1));
            assertEquals(0, s.position(), "a rejected call consumes nothing");
            s.prefill(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
            assertEquals(1, s.remaining());
            assertThrows(IllegalArgumentException.class, () -> s.prefill(new int[] {1, 2}));
            assertEquals(c.vocabSize(), s.decode(3).length);
            assertThrows(IllegalArgumentException.class, () -> s.decode(3));
            s.reset();
            assertEquals(0, s.position());
            float[] again = s.prefill(new int[] {1, 2, 3});
            float[] fresh = m.newSession().prefill(new int[] {1, 2, 3});
            assertArrayEquals(fresh, again, "reset session behaves like a new one");
        }
    }

    @Test
    void gpt2ContextStopsAtTheLearnedPositionTable() {
        ModelConfig c = RandomModels.GPT2.config();
        Map<String, Tensor> w = RandomModels.weights(c, DType.F32, 1, arena);
        try (InferenceModel m = InferenceModel.load(c, w, new EngineOptions(1, 10_000))) {
            assertEquals(c.contextLength(), m.maxContext());
            Session s = m.newSession();
            s.prefill(new int[c.contextLength()]);
            assertThrows(IllegalArgumentException.class, () -> s.decode(0));
        }
    }

    @Test
    void erfMatchesKnownValues() {
        double[][] cases = {{0, 0}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149}, {2, 0.9953222650189527},
                {2.9, 0.9999589021219005}, {3.5, 0.9999992569016276}, {-1, -0.8427007929497149}};
        for (double[] c : cases) assertEquals(c[1], Erf.erf(c[0]), 1e-13, "erf(" + c[0] + ")");
    }

    private static Tensor transpose(Tensor t) {
        int rows = (int) t.dim(0);
        int cols = (int) t.dim(1);
        MemorySegment out = arena.allocate((long) rows * cols * 4, 4);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) out.setAtIndex(F32, (long) c * rows + r, t.data().getAtIndex(F32, (long) r * cols + c));
        }
        return new Tensor(t.name(), new long[] {cols, rows}, DType.F32, out);
    }
}
