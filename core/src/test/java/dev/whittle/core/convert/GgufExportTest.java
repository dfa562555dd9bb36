package dev.whittle.core.convert;

import dev.whittle.core.Fixtures;
import dev.whittle.core.gguf.GgufFile;
import dev.whittle.core.gguf.GgufTensorInfo;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Half;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class GgufExportTest {
    @Test
    void hfToGgufGivesTheOriginalGgufTensorsByteForByte(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("s.gguf");
        try (Model hf = ModelLoader.open(Fixtures.stories260kHf())) {
            GgufExport.write(hf, out, GgufExport.floatTypeRule(null), GgufExport.fileTypeFor(DType.F32), Map.of());
        }
        try (GgufFile orig = GgufFile.open(Fixtures.stories260kGguf()); GgufFile conv = GgufFile.open(out)) {
            assertEquals("llama", conv.get("general.architecture").orElseThrow().asString());
            assertEquals(5, conv.get("llama.block_count").orElseThrow().asLong());
            assertEquals(4, conv.get("llama.attention.head_count_kv").orElseThrow().asLong());
            int compared = 0;
            for (GgufTensorInfo info : conv.tensorInfos()) {
                Tensor a = conv.tensor(info);
                Tensor b = orig.tensor(info.name()).orElseThrow(() -> new AssertionError("original lacks " + info.name()));
                assertTrue(ModelLoader.sameContents(a.withName(""), b.withName("")), info.name());
                compared++;
            }
            assertEquals(47, compared);
            // The tied output matrix is omitted, as llama.cpp's converter does; the original's copy equals the embedding.
            assertTrue(conv.tensor("output.weight").isEmpty());
            // llama.cpp's tensor order: embeddings first, then blocks.
            assertEquals("token_embd.weight", conv.tensorInfos().get(0).name());
        }
    }

    @Test
    void f16ExportRoundsWeightsAndKeepsNormsF32(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("s16.gguf");
        try (Model g = ModelLoader.open(Fixtures.stories260kGguf())) {
            GgufExport.write(g, out, GgufExport.floatTypeRule(DType.F16), GgufExport.fileTypeFor(DType.F16), Map.of());
        }
        try (Model src = ModelLoader.open(Fixtures.stories260kGguf()); Model half = ModelLoader.open(out)) {
            assertEquals(1, half.ggufMetadata().get("general.file_type").asLong());
            for (String n : src.tensorNames()) {
                Tensor a = src.tensor(n), b = half.tensor(n);
                assertEquals(a.rank() < 2 ? DType.F32 : DType.F16, b.dtype(), n);
                float[] x = Dequantizer.toFloatArray(a), y = Dequantizer.toFloatArray(b);
                if (b.dtype() == DType.F16) for (int i = 0; i < x.length; i++) x[i] = Half.round(x[i]);
                assertArrayEquals(x, y, n);
            }
        }
    }

    @Test
    void q8_0ExportQuantizesMatricesWithGgmlsReferenceAndFallsBackWhereRowsDoNotDivide(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("q8.gguf");
        try (Model g = ModelLoader.open(Fixtures.stories260kGguf())) {
            GgufExport.write(g, out, GgufExport.floatTypeRule(DType.Q8_0), GgufExport.fileTypeFor(DType.Q8_0), Map.of());
        }
        try (Model src = ModelLoader.open(Fixtures.stories260kGguf()); Model q = ModelLoader.open(out)) {
            assertEquals(7, q.ggufMetadata().get("general.file_type").asLong());
            // ffn_down rows are 172 long: not a multiple of 32, so llama-quantize's fallback (F16) applies.
            assertEquals(DType.F16, q.tensor("model.layers.0.mlp.down_proj.weight").dtype());
            Tensor a = src.tensor("model.layers.2.mlp.up_proj.weight"), b = q.tensor("model.layers.2.mlp.up_proj.weight");
            assertEquals(DType.Q8_0, b.dtype());
            float[] x = Dequantizer.toFloatArray(a), y = Dequantizer.toFloatArray(b);
            // Q8_0: per block of 32, error at most half a step of max|x|/127.
            for (int blk = 0; blk < x.length / 32; blk++) {
                float amax = 0;
                for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(x[blk * 32 + i]));
                for (int i = 0; i < 32; i++)
                    assertEquals(x[blk * 32 + i], y[blk * 32 + i], amax / 127 * 0.5 + amax * 1e-3);
            }
        }
    }

    @Test
    void fileTypesAreLlamaCppsFtypeIds() {
        // llama.h LLAMA_FTYPE_*: ALL_F32 0, MOSTLY_F16 1, Q4_0 2, Q4_1 3, Q8_0 7, Q5_0 8, Q5_1 9, Q2_K 10, Q3_K_S 11,
        // Q4_K_S 14, Q5_K_S 16, Q6_K 18, BF16 32.
        int[] want = {0, 1, 2, 3, 7, 8, 9, 10, 11, 14, 16, 18, 32};
        DType[] types = {DType.F32, DType.F16, DType.Q4_0, DType.Q4_1, DType.Q8_0, DType.Q5_0, DType.Q5_1, DType.Q2_K,
                DType.Q3_K, DType.Q4_K, DType.Q5_K, DType.Q6_K, DType.BF16};
        for (int i = 0; i < types.length; i++) assertEquals(want[i], GgufExport.fileTypeFor(types[i]), types[i].name());
    }
}
