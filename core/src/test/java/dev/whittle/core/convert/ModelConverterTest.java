package dev.whittle.core.convert;

import dev.whittle.core.Fixtures;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.safetensors.SafeTensorsFile;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ModelConverterTest {
    @Test
    void ggufToHfGivesTheReferenceSafetensorsAndAWorkingTokenizer(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("hf");
        try (Model g = ModelLoader.open(Fixtures.stories260kGguf())) {
            ModelConverter.convert(g, out, ModelConverter.Target.SAFETENSORS, null, Progress.NONE);
        }
        try (SafeTensorsFile ref = SafeTensorsFile.open(Fixtures.stories260kHf().resolve("model.safetensors"));
             SafeTensorsFile got = SafeTensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(new java.util.TreeSet<>(ref.names()), new java.util.TreeSet<>(got.names()));
            for (String n : ref.names()) assertTrue(ModelLoader.sameContents(ref.tensor(n), got.tensor(n)), n);
        }
        try (Model hf = ModelLoader.open(out); Model ref = ModelLoader.open(Fixtures.stories260kHf())) {
            assertEquals(ref.config().hiddenSize(), hf.config().hiddenSize());
            assertTrue(hf.config().tieWordEmbeddings());
            String text = "Once upon a time, Lily saw a big red ball.";
            assertArrayEquals(ref.tokenizer().orElseThrow().encode(text), hf.tokenizer().orElseThrow().encode(text));
        }
    }

    @Test
    void hfToGgufCarriesTheTokenizer(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("s.gguf");
        try (Model hf = ModelLoader.open(Fixtures.stories260kHf())) {
            ModelConverter.convert(hf, out, ModelConverter.Target.GGUF, DType.F32, Progress.NONE);
        }
        try (Model g = ModelLoader.open(out); Model ref = ModelLoader.open(Fixtures.stories260kGguf())) {
            String text = "The little dog ran to the park.";
            assertArrayEquals(ref.tokenizer().orElseThrow().encode(text), g.tokenizer().orElseThrow().encode(text));
            assertEquals("llama", g.ggufMetadata().get("tokenizer.ggml.model").asString());
        }
    }

    @Test
    void bf16AndRefusalOfQuantTypes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bf");
        try (Model hf = ModelLoader.open(Fixtures.stories260kHf())) {
            ModelConverter.convert(hf, out, ModelConverter.Target.SAFETENSORS, DType.BF16, Progress.NONE);
            // Block types are GGUF-only; integer types are not weight types at all.
            assertThrows(IllegalArgumentException.class,
                    () -> ModelConverter.convert(hf, dir.resolve("q"), ModelConverter.Target.SAFETENSORS, DType.Q4_0, Progress.NONE));
            assertThrows(IllegalArgumentException.class,
                    () -> ModelConverter.convert(hf, dir.resolve("i.gguf"), ModelConverter.Target.GGUF, DType.I32, Progress.NONE));
            // An existing non-empty output directory is refused, not overwritten.
            assertThrows(IOException.class, () -> ModelConverter.convert(hf, out, ModelConverter.Target.SAFETENSORS, null, Progress.NONE));
        }
        try (Model bf = ModelLoader.open(out)) {
            Tensor t = bf.tensor("model.layers.0.self_attn.q_proj.weight");
            assertEquals(DType.BF16, t.dtype());
        }
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary directories left behind");
        }
    }
}
