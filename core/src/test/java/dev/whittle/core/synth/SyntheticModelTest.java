package dev.whittle.core.synth;

import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class SyntheticModelTest {
    @Test
    void writesTheExactShapesAndReadsBackAsTheSameConfig(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("t.gguf");
        SyntheticModel.Result r = SyntheticModel.writeGguf(SynthPreset.TINY_TEST, DType.F32, 1, out);
        ModelConfig want = SynthPreset.TINY_TEST.config();
        try (Model m = ModelLoader.open(out)) {
            ModelConfig got = m.config();
            assertEquals(want.architecture(), got.architecture());
            assertEquals(want.hiddenSize(), got.hiddenSize());
            assertEquals(want.numLayers(), got.numLayers());
            assertEquals(want.numHeads(), got.numHeads());
            assertEquals(want.numKvHeads(), got.numKvHeads());
            assertEquals(want.headDim(), got.headDim());
            assertEquals(want.intermediateSize(), got.intermediateSize());
            assertEquals(want.vocabSize(), got.vocabSize());
            assertEquals(want.tieWordEmbeddings(), got.tieWordEmbeddings());
            assertEquals(r.parameters(), m.parameterCount());
            float[] w = Dequantizer.toFloatArray(m.tensor("model.layers.1.mlp.down_proj.weight"));
            double sumSq = 0;
            for (float v : w) {
                assertTrue(Math.abs(v) <= 0.0347f);
                sumSq += v * v;
            }
            assertEquals(0.02, Math.sqrt(sumSq / w.length), 0.002); // uniform ±0.02√3 has sd 0.02
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.gguf"), b = dir.resolve("b.gguf"), c = dir.resolve("c.gguf");
        SyntheticModel.writeGguf(SynthPreset.TINY_TEST, DType.F16, 7, a);
        SyntheticModel.writeGguf(SynthPreset.TINY_TEST, DType.F16, 7, b);
        SyntheticModel.writeGguf(SynthPreset.TINY_TEST, DType.F16, 8, c);
        assertEquals(-1, Files.mismatch(a, b));
        assertNotEquals(-1, Files.mismatch(a, c));
    }

    @Test
    void presetsHaveThePublishedParameterCounts() {
        // Parameter counts of the published checkpoints (tied embeddings counted once).
        assertEquals(1_100_048_384L, count(SynthPreset.TINYLLAMA_1_1B));
        assertEquals(1_235_814_400L, count(SynthPreset.LLAMA_3_2_1B));
        assertEquals(494_032_768L, count(SynthPreset.QWEN2_5_0_5B));
        assertEquals(134_515_008L, count(SynthPreset.SMOLLM2_135M));
        assertEquals(124_439_808L, count(SynthPreset.GPT2_124M));
        assertEquals(Architecture.GPT2, SynthPreset.byId("gpt2-124m").config().architecture());
        assertThrows(IllegalArgumentException.class, () -> SynthPreset.byId("nope"));
    }

    private static long count(SynthPreset p) {
        long n = 0;
        for (var s : SynthTensors.of(p.config())) {
            long e = 1;
            for (long d : s.shape()) e *= d;
            n += e;
        }
        return n;
    }

    @Test
    void fallbackWhenRowsDoNotDivideTheBlock() {
        assertEquals(DType.Q4_K, SyntheticModel.fit(DType.Q4_K, 2048));
        assertEquals(DType.Q5_0, SyntheticModel.fit(DType.Q4_K, 896));
        assertEquals(DType.Q8_0, SyntheticModel.fit(DType.Q6_K, 896));
        assertEquals(DType.Q4_0, SyntheticModel.fit(DType.Q3_K, 64));
        assertEquals(DType.F16, SyntheticModel.fit(DType.Q4_0, 100));
        assertEquals("a", SynthVocabulary.filler(0));
        assertEquals("aa", SynthVocabulary.filler(26));
        assertEquals('Ā', SynthVocabulary.byteSymbol(0));
        assertEquals('Ġ', SynthVocabulary.byteSymbol(' '));
    }
}
