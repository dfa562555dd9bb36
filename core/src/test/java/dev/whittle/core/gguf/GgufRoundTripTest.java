package dev.whittle.core.gguf;

import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Reading each real fixture and writing it back gives the identical file (SHA-256), as gguf-py lays it out. */
class GgufRoundTripTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {
            GgufFixtures.STORIES,
            GgufFixtures.TINY_LLAMA,
            "models/ggml-vocab/ggml-vocab-llama-spm.gguf",
            "models/ggml-vocab/ggml-vocab-gpt-2.gguf",
            "models/ggml-vocab/ggml-vocab-bert-bge.gguf",
            "models/ggml-vocab/ggml-vocab-phi-3.gguf",
            "models/ggml-vocab/ggml-vocab-deepseek-coder.gguf",
            "models/ggml-vocab/ggml-vocab-falcon.gguf",
    })
    void writesFixtureBackByteForByte(String fixture) throws IOException {
        Path src = GgufFixtures.model(fixture);
        Path out = tmp.resolve("copy.gguf");
        try (GgufFile f = GgufFile.open(src)) {
            GgufWriter.copyOf(f).write(out);
        }
        assertEquals(Files.size(src), Files.size(out));
        assertEquals(GgufFixtures.sha256(src), GgufFixtures.sha256(out));
        try (var dir = Files.list(tmp)) {
            assertEquals(1, dir.count(), "no temp file left beside the output");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void rewritingAsOtherVersionChangesOnlyTheVersionField(int version) throws IOException {
        Path src = GgufFixtures.model(GgufFixtures.STORIES);
        Path out = tmp.resolve("v" + version + ".gguf");
        try (GgufFile f = GgufFile.open(src)) {
            GgufWriter.copyOf(f).version(version).write(out);
        }
        byte[] a = Files.readAllBytes(src);
        byte[] b = Files.readAllBytes(out);
        assertEquals(a.length, b.length);
        assertEquals(version, b[4]);
        b[4] = a[4];
        assertArrayEquals(a, b);
        try (GgufFile f = GgufFile.open(out); GgufFile g = GgufFile.open(src)) {
            assertEquals(version, f.version());
            assertEquals(g.metadata(), f.metadata());
            assertEquals(g.tensorInfos(), f.tensorInfos());
            for (Tensor t : g.tensors()) {
                assertEquals(-1, t.data().mismatch(f.tensor(t.name()).orElseThrow().data()), t.name());
            }
        }
    }

}
