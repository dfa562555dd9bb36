package dev.whittle.core.gguf;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Known facts about the real fixture files, each cross-checked by reading the bytes independently. */
class GgufFileFixtureTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Reads bytes with plain file I/O, not through the mapping. */
    private static ByteBuffer readAt(Path p, long offset, int n) throws IOException {
        try (FileChannel ch = FileChannel.open(p)) {
            ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) if (ch.read(b, offset + b.position()) < 0) throw new IOException("EOF");
            return b.flip();
        }
    }

    @Test
    void stories260KMetadata() {
        try (GgufFile f = GgufFile.open(GgufFixtures.model(GgufFixtures.STORIES))) {
            assertEquals(3, f.version());
            assertEquals(32, f.alignment());
            assertEquals(19, f.metadata().size());
            assertEquals(48, f.tensorInfos().size());
            assertEquals("llama", f.get("general.architecture").orElseThrow().asString());
            assertEquals(5, f.get("llama.block_count").orElseThrow().asLong());
            assertEquals(64, f.get("llama.embedding_length").orElseThrow().asLong());
            assertEquals(172, f.get("llama.feed_forward_length").orElseThrow().asLong());
            assertEquals(8, f.get("llama.attention.head_count").orElseThrow().asLong());
            assertEquals(4, f.get("llama.attention.head_count_kv").orElseThrow().asLong());
            assertEquals(2048, f.get("llama.context_length").orElseThrow().asLong());
            GgufValue eps = f.get("llama.attention.layer_norm_rms_epsilon").orElseThrow();
            assertEquals(GgufType.FLOAT32, eps.type());
            assertEquals(1e-5f, (Float) eps.value());
            assertEquals(GgufType.UINT32, f.get("tokenizer.ggml.padding_token_id").orElseThrow().type());
            assertEquals(4294967295L, f.get("tokenizer.ggml.padding_token_id").orElseThrow().asLong());
            GgufValue tokens = f.get("tokenizer.ggml.tokens").orElseThrow();
            assertEquals(GgufType.STRING, tokens.elementType());
            assertEquals(512, tokens.asList().size());
            assertEquals(List.of("<unk>", "<s>", "</s>"), tokens.asList().subList(0, 3));
            GgufValue types = f.get("tokenizer.ggml.token_type").orElseThrow();
            assertEquals(GgufType.INT32, types.elementType());
            assertEquals(List.of(2, 3, 3), types.asList().subList(0, 3));
            assertEquals(GgufType.FLOAT32, f.get("tokenizer.ggml.scores").orElseThrow().elementType());
            assertEquals(512, f.get("tokenizer.ggml.scores").orElseThrow().asList().size());
        }
    }

    @Test
    void stories260KTensorsAndData() throws IOException {
        Path p = GgufFixtures.model(GgufFixtures.STORIES);
        try (GgufFile f = GgufFile.open(p)) {
            // The header ends at byte 14152 (counted field by field), so data starts at the next multiple of 32.
            assertEquals(14176, f.dataOffset());
            GgufTensorInfo k = f.tensorInfo("blk.0.attn_k.weight").orElseThrow();
            assertArrayEquals(new long[]{64, 32}, k.ne());
            assertArrayEquals(new long[]{32, 64}, k.shape());
            assertEquals(278784, k.offset());
            Tensor kt = f.tensor("blk.0.attn_k.weight").orElseThrow();
            assertArrayEquals(new long[]{32, 64}, kt.shape());
            assertEquals(32 * 64 * 4, kt.byteSize());
            Tensor emb = f.tensor("token_embd.weight").orElseThrow();
            assertEquals(DType.F32, emb.dtype());
            assertArrayEquals(new long[]{512, 64}, emb.shape());
            assertArrayEquals(new long[]{64}, f.tensor("output_norm.weight").orElseThrow().shape());
            // The first floats, as read by an independent byte-level parser, and by plain file I/O here.
            float[] expected = {-0.29474878f, 0.56189561f, 0.17542253f, 0.34057361f};
            ByteBuffer raw = readAt(p, 14176, 64);
            for (int i = 0; i < 16; i++) {
                float view = emb.data().get(F32, 4L * i);
                assertEquals(raw.getFloat(4 * i), view, 0f, "element " + i);
                if (i < expected.length) assertEquals(expected[i], view, 1e-7f, "element " + i);
            }
            // The last tensor ends exactly at the end of the file.
            GgufTensorInfo last = f.tensorInfos().getLast();
            assertEquals("blk.4.ffn_norm.weight", last.name());
            assertEquals(f.segment().byteSize(), f.dataOffset() + last.offset() + last.byteSize());
            // Every tensor's last float equals the file bytes at the same place.
            for (GgufTensorInfo t : f.tensorInfos()) {
                Tensor tv = f.tensor(t);
                long end = tv.byteSize() - 4;
                assertEquals(readAt(p, f.dataOffset() + t.offset() + end, 4).getFloat(0), tv.data().get(F32, end), 0f, t.name());
            }
        }
    }

    @Test
    void tinyLlamaF16() throws IOException {
        Path p = GgufFixtures.model(GgufFixtures.TINY_LLAMA);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(3, f.version());
            assertEquals(724416, f.dataOffset());
            assertEquals(32000, f.get("tokenizer.ggml.tokens").orElseThrow().asList().size());
            assertEquals(1, f.get("general.file_type").orElseThrow().asLong());
            Tensor emb = f.tensor("token_embd.weight").orElseThrow();
            assertEquals(DType.F16, emb.dtype());
            assertArrayEquals(new long[]{32000, 8}, emb.shape());
            long f32 = f.tensorInfos().stream().filter(t -> t.dtype() == DType.F32).count();
            long f16 = f.tensorInfos().stream().filter(t -> t.dtype() == DType.F16).count();
            assertEquals(12, f32 + f16);
            assertTrue(f32 >= 2 && f16 >= 7, f32 + " F32 and " + f16 + " F16 tensors");
            // Row 1000 of the embedding through the view and through plain file I/O.
            long rowOffset = 1000L * 8 * 2;
            ByteBuffer raw = readAt(p, 724416 + rowOffset, 16);
            boolean nonZero = false;
            for (int i = 0; i < 8; i++) {
                short h = emb.data().get(F16, rowOffset + 2L * i);
                assertEquals(raw.getShort(2 * i), h, "element " + i);
                nonZero |= Float.float16ToFloat(h) != 0f;
            }
            assertTrue(nonZero, "row 1000 of a random embedding should not be all zero");
        }
    }

    @Test
    void vocabOnlyFilesHaveNoTensors() {
        for (String name : List.of("llama-spm", "gpt-2", "bert-bge")) {
            try (GgufFile f = GgufFile.open(GgufFixtures.vocab(name))) {
                assertEquals(0, f.tensorInfos().size(), name);
                assertTrue(f.get("tokenizer.ggml.tokens").orElseThrow().asList().size() > 20000, name);
                assertTrue(f.dataOffset() >= f.segment().byteSize(), name + ": no data section");
            }
        }
    }
}
