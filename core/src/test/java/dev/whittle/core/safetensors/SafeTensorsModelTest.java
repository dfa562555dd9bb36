package dev.whittle.core.safetensors;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsModelTest {
    @TempDir
    Path dir;

    private void shard(String name, String... tensors) throws IOException {
        StringBuilder h = new StringBuilder("{");
        for (int i = 0; i < tensors.length; i++) {
            if (i > 0) h.append(',');
            h.append('"').append(tensors[i]).append("\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[").append(2 * i).append(',').append(2 * i + 2).append("]}");
        }
        Files.write(dir.resolve(name), Hostile.file(h.append('}').toString(), 2 * tensors.length));
    }

    private Path index(String json) throws IOException {
        return Files.writeString(dir.resolve(SafeTensorsModel.INDEX_FILE), json);
    }

    private ModelFormatException rejects(Path p, String... parts) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafeTensorsModel.open(p).close());
        for (String s : parts) assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
        return e;
    }

    @Test
    void opensTheFixtureDirectoryAsOneFile() {
        Path d = Fixtures.storiesHf().getParent();
        try (SafeTensorsModel m = SafeTensorsModel.open(d)) {
            assertEquals(47, m.size());
            assertEquals(List.of(Fixtures.storiesHf()), m.files());
            assertEquals(512 * 64, m.tensor("model.embed_tokens.weight").elementCount());
            assertTrue(m.indexMetadata().isEmpty());
            assertEquals("pt", m.metadata().get("format"));
        }
    }

    @Test
    void joinsShardsAndClosesThemAll() throws IOException {
        shard("s1.safetensors", "a", "b");
        shard("s2.safetensors", "c", "extra");
        Path idx = index("{\"metadata\":{\"total_size\":6},\"weight_map\":{\"b\":\"s1.safetensors\",\"a\":\"s1.safetensors\",\"c\":\"s2.safetensors\"}}");
        SafeTensorsModel m = SafeTensorsModel.open(dir);
        assertEquals(idx, m.path());
        assertEquals(List.of("b", "a", "c"), m.names()); // weight-map order; "extra" is not mapped
        assertEquals(List.of(dir.resolve("s1.safetensors"), dir.resolve("s2.safetensors")), m.files());
        assertEquals("6", m.indexMetadata().get("total_size"));
        assertEquals(2, m.tensor("b").data().get(ValueLayout.JAVA_BYTE, 0)); // second tensor of s1 starts at byte 2
        assertThrows(ModelFormatException.class, () -> m.tensor("extra"));
        MemorySegment a = m.tensor("a").data();
        MemorySegment c = m.tensor("c").data();
        m.close();
        assertThrows(IllegalStateException.class, () -> a.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> c.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void rejectsBadIndexes() throws IOException {
        shard("s1.safetensors", "a");
        rejects(index("{\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s1.safetensors\"}}"), "weight_map.b", "no such tensor");
        rejects(index("{\"weight_map\":{\"a\":\"s9.safetensors\"}}"), "s9.safetensors");
        rejects(index("{\"metadata\":{}}"), "missing weight_map");
        rejects(index("{\"weight_map\":[]}"), "weight_map is not an object");
        rejects(index("{\"weight_map\":{\"a\":3}}"), "weight_map.a", "not a file name");
        rejects(index("{\"weight_map\":{\"a\":\"../s1.safetensors\"}}"), "not a file name inside");
        rejects(index("{\"weight_map\":{\"a\":\"/etc/passwd\"}}"), "not a file name inside");
        rejects(index("{\"weight_map\":{\"a\":\"\"}}"), "not a file name inside");
        rejects(index("{\"weight_map\":{\"a\":\".\"}}"), "not a file name inside");
        rejects(index("{\"weight_map\":"), "not valid JSON");
        rejects(index("[1]"), "not a JSON object");
        Files.write(dir.resolve("s2.safetensors"), new byte[3]);
        ModelFormatException e = rejects(index("{\"weight_map\":{\"a\":\"s1.safetensors\",\"z\":\"s2.safetensors\"}}"), "truncated");
        assertEquals(dir.resolve("s2.safetensors"), e.file());
    }

    @Test
    void directoryNeedsAnIndexToJoinSeveralFiles() throws IOException {
        rejects(dir, "no model.safetensors.index.json");
        shard("x.safetensors", "a");
        try (SafeTensorsModel m = SafeTensorsModel.open(dir)) {
            assertEquals(List.of("a"), m.names());
        }
        shard("y.safetensors", "b");
        rejects(dir, "to join the 2");
    }

    @Test
    void singleFileViewMatchesTheFile() {
        try (SafeTensorsModel m = SafeTensorsModel.open(Fixtures.storiesHf()); SafeTensorsFile f = SafeTensorsFile.open(Fixtures.storiesHf())) {
            assertEquals(f.names(), m.names());
            for (Tensor t : f.tensors()) assertEquals(-1L, t.data().mismatch(m.tensor(t.name()).data()));
        }
    }
}
