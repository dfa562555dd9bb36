package dev.whittle.bench;

import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.RopeScaling;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ModelFactsTest {
    static Tensor t(String name, DType d, long... shape) {
        return new Tensor(name, shape, d, MemorySegment.ofArray(new byte[(int) d.byteSize(Tensor.elementCount(shape))]));
    }

    static ModelConfig cfg(boolean tied) {
        return new ModelConfig(Architecture.LLAMA, 64, 1, 4, 2, 16, 128, 300, 256, 10000, RopeScaling.NONE, 1e-5,
                tied, false, false, "silu", 0, 1, 2);
    }

    @Test
    void tiedEmbeddingIsReadInFullAsTheOutputHead() {
        Map<String, Tensor> ts = new LinkedHashMap<>();
        ts.put("model.embed_tokens.weight", t("model.embed_tokens.weight", DType.F16, 300, 64)); // 38 400 B
        ts.put("model.layers.0.mlp.up_proj.weight", t("model.layers.0.mlp.up_proj.weight", DType.F16, 128, 64)); // 16 384 B
        ts.put("model.norm.weight", t("model.norm.weight", DType.F32, 64)); // 256 B
        ModelFacts tied = ModelFacts.of("m.gguf", "m.gguf", cfg(true), ts);
        assertEquals(38_400 + 16_384 + 256, tied.sizeBytes());
        assertEquals(tied.sizeBytes(), tied.decodeBytesPerToken());
        assertEquals(300 * 64 + 128 * 64 + 64, tied.parameters());
        assertEquals("m.gguf F16", tied.label());

        ts.put("lm_head.weight", t("lm_head.weight", DType.F32, 300, 64)); // 76 800 B
        ModelFacts untied = ModelFacts.of("m.gguf", "m.gguf", cfg(false), ts);
        assertEquals(38_400 + 16_384 + 256 + 76_800, untied.sizeBytes());
        assertEquals(16_384 + 256 + 76_800, untied.decodeBytesPerToken());
        // By parameters, not bytes: 27 392 F16 against 19 264 F32.
        assertEquals(DType.F16, untied.dominantDtype());
    }
}
