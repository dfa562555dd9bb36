package dev.whittle.core.model;

import dev.whittle.core.Fixtures;
import dev.whittle.core.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ModelLoaderTest {
    @Test
    void storiesGgufLoadsInCanonicalForm() {
        try (Model m = ModelLoader.open(Fixtures.stories260kGguf())) {
            assertEquals(ModelFormat.GGUF, m.format());
            // The GGUF repeats the tied embedding as output.weight; whittle counts it once.
            assertTrue(m.config().tieWordEmbeddings());
            assertFalse(m.hasTensor("lm_head.weight"));
            assertEquals(47, m.tensorNames().size());
            assertEquals(260_032, m.parameterCount());
            assertArrayEquals(new long[] {32, 64}, m.tensor("model.layers.0.self_attn.k_proj.weight").shape());
            assertArrayEquals(new long[] {64, 172}, m.tensor("model.layers.4.mlp.down_proj.weight").shape());
        }
    }

    @Test
    void unknownFormatAndMissingFileAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path txt = Files.writeString(dir.resolve("model.txt"), "hello");
        var e = assertThrows(ModelFormatException.class, () -> ModelLoader.open(txt));
        assertTrue(e.getMessage().startsWith(txt + ": unknown model format"), e.getMessage());
        var e2 = assertThrows(ModelFormatException.class, () -> ModelLoader.open(dir.resolve("nope.gguf")));
        assertTrue(e2.getMessage().endsWith("no such file or directory"));
        var e3 = assertThrows(ModelFormatException.class, () -> ModelLoader.open(dir));
        assertTrue(e3.getMessage().contains("no config.json"), e3.getMessage());
    }

    @Test
    void hfAndGgufGiveTheSameTensorsAfterNamingAndQkPermutation() {
        try (Model hf = ModelLoader.open(Fixtures.stories260kHf()); Model gg = ModelLoader.open(Fixtures.stories260kGguf())) {
            assertEquals(ModelFormat.SAFETENSORS, hf.format());
            assertEquals(hf.config().architecture(), gg.config().architecture());
            assertEquals(hf.parameterCount(), gg.parameterCount());
            assertEquals(new java.util.TreeSet<>(hf.tensorNames()), new java.util.TreeSet<>(gg.tensorNames()));
            for (String name : hf.tensorNames())
                assertTrue(ModelLoader.sameContents(hf.tensor(name), gg.tensor(name)), name + " differs between HF and GGUF");
        }
    }
}
