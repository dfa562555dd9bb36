package dev.whittle.quantize;

import dev.whittle.core.gguf.GgufFile;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.progress.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same weights from a HF SafeTensors directory and from GGUF quantize to the same file contents. */
class HfSourceTest {
    @Test
    void hfDirectoryAndGgufGiveTheSameTensors(@TempDir Path dir) throws Exception {
        Path fromHf = dir.resolve("hf.gguf");
        Path fromGguf = dir.resolve("gguf.gguf");
        try (Model hf = ModelLoader.open(Fixtures.root().resolve("models/stories260K-hf"));
             Model gg = ModelLoader.open(Fixtures.stories260k())) {
            ModelQuantizer.quantize(hf, fromHf, QuantizeOptions.rtn(QuantPreset.Q4_0), Progress.NONE);
            ModelQuantizer.quantize(gg, fromGguf, QuantizeOptions.rtn(QuantPreset.Q4_0), Progress.NONE);
        }
        try (GgufFile a = GgufFile.open(fromHf); GgufFile b = GgufFile.open(fromGguf)) {
            assertTrue(a.metadata().containsKey("tokenizer.ggml.tokens"), "tokenizer converted from tokenizer.json");
            assertEquals(b.tensorInfos().size(), a.tensorInfos().size());
            for (var info : b.tensorInfos()) {
                var ta = a.tensor(info.name()).orElseThrow();
                var tb = b.tensor(info);
                assertTrue(ModelLoader.sameContents(tb, ta), info.name());
            }
        }
    }
}
