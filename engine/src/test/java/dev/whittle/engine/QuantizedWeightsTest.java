package dev.whittle.engine;

import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.model.RopeScaling;
import dev.whittle.core.synth.SyntheticModel;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine runs every weight dtype in place; its logits must equal those of the same model with the weights
 * dequantized to F32 beforehand, up to float summation order.
 */
class QuantizedWeightsTest {
    // Rows of 256 so every block type (k-quants included) applies to every matrix.
    private static final ModelConfig CONFIG = new ModelConfig(Architecture.LLAMA, 256, 2, 4, 2, 64, 512, 300, 64,
            10000, RopeScaling.NONE, 1e-5, false, false, false, "silu", 0, 1, 2);
    private static final int[] PROMPT = {1, 17, 250, 3, 99, 42, 7, 180, 66, 5, 299, 12};

    @ParameterizedTest
    @EnumSource(names = {"F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void quantizedModelMatchesItsDequantizedTwin(DType type, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.gguf");
        SyntheticModel.Result r = SyntheticModel.writeGguf(CONFIG, "equivalence", type, 3, file);
        assertTrue(r.fallbacks().isEmpty(), "every matrix should be " + type + ": " + r.fallbacks());
        try (Model q = ModelLoader.open(file); Arena arena = Arena.ofShared()) {
            assertEquals(type, q.tensor("model.layers.0.mlp.down_proj.weight").dtype());
            Map<String, Tensor> f32 = new LinkedHashMap<>();
            for (String n : q.tensorNames()) f32.put(n, toF32(q.tensor(n), arena));
            float[] quantized, reference;
            try (InferenceModel a = InferenceModel.load(q, new EngineOptions(2, 64))) {
                quantized = a.newSession().prefillAll(PROMPT);
            }
            try (InferenceModel b = InferenceModel.load(CONFIG, f32, new EngineOptions(2, 64))) {
                reference = b.newSession().prefillAll(PROMPT);
            }
            double maxAbs = 0, maxDiff = 0;
            for (int i = 0; i < reference.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(reference[i]));
                maxDiff = Math.max(maxDiff, Math.abs(reference[i] - quantized[i]));
            }
            assertTrue(maxAbs > 0.1, "degenerate logits");
            assertTrue(maxDiff <= 1e-5 * Math.max(1, maxAbs), type + ": max |diff| " + maxDiff + " (max |logit| " + maxAbs + ")");
        }
    }

    private static Tensor toF32(Tensor t, Arena arena) {
        float[] v = Dequantizer.toFloatArray(t);
        MemorySegment seg = arena.allocate((long) v.length * 4, 64);
        MemorySegment.copy(v, 0, seg, ValueLayout.JAVA_FLOAT, 0, v.length);
        return new Tensor(t.name(), t.shape(), DType.F32, seg);
    }
}
