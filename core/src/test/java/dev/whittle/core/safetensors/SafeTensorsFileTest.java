package dev.whittle.core.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whittle.core.ModelFormatException;
import dev.whittle.core.gguf.GgufFile;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the real stories260K-hf fixture and checks it against an independent parse and the GGUF copy. */
class SafeTensorsFileTest {
    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void fixtureHasItsTensorsAndShapes() {
        try (SafeTensorsFile f = SafeTensorsFile.open(Fixtures.storiesHf())) {
            assertEquals(47, f.size());
            assertEquals(47, f.names().size());
            assertEquals("model.embed_tokens.weight", f.names().get(0));
            assertEquals("model.norm.weight", f.names().get(46));
            assertArrayEquals(new long[]{32, 64}, f.tensor("model.layers.0.self_attn.k_proj.weight").shape());
            assertArrayEquals(new long[]{512, 64}, f.tensor("model.embed_tokens.weight").shape());
            assertArrayEquals(new long[]{64, 172}, f.tensor("model.layers.0.mlp.down_proj.weight").shape());
            assertArrayEquals(new long[]{64}, f.tensor("model.norm.weight").shape());
            for (Tensor t : f.tensors()) {
                assertEquals(DType.F32, t.dtype(), t.name());
                assertEquals(t.elementCount() * 4, t.byteSize(), t.name());
                assertTrue(t.data().isReadOnly(), t.name());
            }
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertEquals(Fixtures.storiesHf(), f.path());
            assertFalse(f.contains("lm_head.weight")); // tied embeddings
            assertTrue(f.find("lm_head.weight").isEmpty());
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> f.tensor("lm_head.weight"));
            assertTrue(e.getMessage().contains("lm_head.weight"), e.getMessage());
        }
    }

    /** Offsets computed from the header by a separate JSON parse; floats read with plain file I/O. */
    @Test
    void tensorViewsMatchBytesAtIndependentlyComputedOffsets() throws IOException {
        Path p = Fixtures.storiesHf();
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "r"); SafeTensorsFile f = SafeTensorsFile.open(p)) {
            long n = Long.reverseBytes(raf.readLong());
            byte[] header = new byte[(int) n];
            raf.readFully(header);
            JsonNode root = new ObjectMapper().readTree(new String(header, StandardCharsets.UTF_8));
            long total = 0;
            int checked = 0;
            for (String name : List.of("model.embed_tokens.weight", "model.layers.0.self_attn.k_proj.weight",
                    "model.layers.4.mlp.down_proj.weight", "model.norm.weight")) {
                JsonNode off = root.get(name).get("data_offsets");
                long begin = 8 + n + off.get(0).asLong();
                long count = (off.get(1).asLong() - off.get(0).asLong()) / 4;
                Tensor t = f.tensor(name);
                for (long i : new long[]{0, 1, count / 2, count - 1}) {
                    raf.seek(begin + 4 * i);
                    float expected = Float.intBitsToFloat(Integer.reverseBytes(raf.readInt()));
                    assertEquals(expected, t.data().get(F32_LE, 4 * i), name + "[" + i + "]");
                    checked++;
                }
            }
            for (var e : root.properties()) {
                if (!e.getKey().equals("__metadata__")) total += e.getValue().get("data_offsets").get(1).asLong() - e.getValue().get("data_offsets").get(0).asLong();
            }
            assertEquals(16, checked);
            assertEquals(Files.size(p), 8 + n + total);
            assertEquals(total, f.tensors().stream().mapToLong(Tensor::byteSize).sum());
        }
    }

    /** The GGUF copy of the same trained weights holds the same embedding and norm values. */
    @Test
    void weightsEqualTheGgufCopy() {
        try (SafeTensorsFile st = SafeTensorsFile.open(Fixtures.storiesHf()); GgufFile gg = GgufFile.open(Fixtures.storiesGguf())) {
            List<String[]> pairs = new ArrayList<>();
            pairs.add(new String[]{"model.embed_tokens.weight", "token_embd.weight"});
            pairs.add(new String[]{"model.norm.weight", "output_norm.weight"});
            pairs.add(new String[]{"model.layers.2.input_layernorm.weight", "blk.2.attn_norm.weight"});
            pairs.add(new String[]{"model.layers.3.mlp.down_proj.weight", "blk.3.ffn_down.weight"});
            pairs.add(new String[]{"model.layers.1.self_attn.v_proj.weight", "blk.1.attn_v.weight"});
            for (String[] pair : pairs) {
                Tensor a = st.tensor(pair[0]);
                Tensor b = gg.tensor(pair[1]).orElseThrow();
                assertArrayEquals(a.shape(), b.shape(), pair[0]);
                assertEquals(-1L, a.data().mismatch(b.data()), pair[0]);
            }
        }
    }

    @Test
    void parsesInMemoryBytesAndReferenceVectors() {
        // The reference implementation's own serialization test vector: F32 [1,2,3] = 0..5, no padding needed.
        byte[] bytes = Hostile.file("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", 0);
        byte[] data = new byte[24];
        for (int i = 0; i < 6; i++) {
            int bits = Float.floatToIntBits(i);
            for (int b = 0; b < 4; b++) data[4 * i + b] = (byte) (bits >>> (8 * b));
        }
        byte[] all = new byte[bytes.length + 24];
        System.arraycopy(bytes, 0, all, 0, bytes.length);
        System.arraycopy(data, 0, all, bytes.length, 24);
        assertEquals(64, bytes.length - 8);
        try (SafeTensorsFile f = Hostile.parse(all)) {
            Tensor t = f.tensor("attn.0");
            assertArrayEquals(new long[]{1, 2, 3}, t.shape());
            for (int i = 0; i < 6; i++) assertEquals(i, t.data().get(F32_LE, 4L * i));
            assertEquals(Map.of(), f.metadata());
        }
        // Empty file with metadata, as the reference writes it: "{...}" padded with spaces to a multiple of 8.
        try (SafeTensorsFile f = Hostile.parse(Hostile.file("{\"__metadata__\":{\"framework\":\"pt\"}}     ", 0))) {
            assertEquals(0, f.size());
            assertEquals(Map.of("framework", "pt"), f.metadata());
        }
        // Scalars and empty tensors are valid.
        try (SafeTensorsFile f = Hostile.parse(Hostile.file(
                "{\"s\":{\"dtype\":\"I16\",\"shape\":[],\"data_offsets\":[0,2]},\"e\":{\"dtype\":\"BF16\",\"shape\":[3,0],\"data_offsets\":[2,2]}}", 2))) {
            assertEquals(List.of("s", "e"), f.names());
            assertEquals(0, f.tensor("s").rank());
            assertEquals(2, f.tensor("s").byteSize());
            assertEquals(0, f.tensor("e").byteSize());
            assertEquals(DType.BF16, f.tensor("e").dtype());
        }
    }

    @Test
    void headerOrderIsKeptWhenOffsetsAreNot() {
        // Offsets need not follow header order; the reader sorts them only to check the tiling.
        byte[] bytes = Hostile.file("{\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[3,5]},\"a\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,3]}}", 5);
        try (SafeTensorsFile f = Hostile.parse(bytes)) {
            assertEquals(List.of("b", "a"), f.names());
            assertEquals(3, f.tensor("b").data().get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(0, f.tensor("a").data().get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void closeUnmapsAndIsIdempotent(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path p = dir.resolve("x.safetensors");
        Files.write(p, Hostile.file("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4));
        SafeTensorsFile f = SafeTensorsFile.open(p);
        MemorySegment data = f.tensor("a").data();
        assertEquals(3, data.get(ValueLayout.JAVA_BYTE, 3));
        f.close();
        f.close();
        assertThrows(IllegalStateException.class, () -> data.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void missingFileIsAFormatErrorNamingIt(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path p = dir.resolve("absent.safetensors");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafeTensorsFile.open(p));
        assertEquals(p, e.file());
        assertEquals(p + ": cannot read SafeTensors file: no such file", e.getMessage());
    }
}
