package dev.whittle.core.intq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whittle.core.Fixtures;
import dev.whittle.core.ModelFormatException;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntExportTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"8, 0, true", "4, 32, true", "4, 32, false", "8, 0, false", "2, 16, false", "3, 20, false"})
    void stories260kRoundTripsThroughPackQuantized(int bits, int group, boolean sym) throws Exception {
        IntScheme scheme = IntScheme.of(bits, group, sym);
        Path out = tmp.resolve(scheme.label());
        try (Model src = ModelLoader.open(Fixtures.stories260kHf())) {
            IntExport.write(src, out, bits, group, sym, Progress.NONE);
            try (Model q = ModelLoader.open(out); Arena arena = Arena.ofConfined()) {
                Map<String, GroupedIntWeight> weights = q.quantizedWeights();
                assertEquals(src.parameterCount(), q.parameterCount());
                assertEquals(35, weights.size()); // 5 layers × q,k,v,o,gate,up,down
                for (String name : src.tensorNames()) {
                    Tensor t = src.tensor(name);
                    if (name.startsWith("model.layers.") && t.rank() == 2) {
                        GroupedIntWeight read = q.quantizedWeight(name).orElseThrow();
                        GroupedIntWeight expected = IntQuantizer.quantize(t, scheme, arena);
                        assertEquals(expected.rows(), read.rows());
                        assertEquals(expected.cols(), read.cols());
                        assertEquals(bits, read.bits());
                        assertEquals(expected.groupSize(), read.groupSize());
                        assertEquals(sym, read.symmetric());
                        assertEquals(DType.F16, read.scaleType());
                        assertSame(expected.packed(), read.packed(), name);
                        assertSame(expected.scales(), read.scales(), name);
                        if (!sym) assertSame(expected.zeroPoints(), read.zeroPoints(), name);
                        assertFalse(q.hasTensor(name));
                    } else {
                        assertTrue(ModelLoader.sameContents(t, q.tensor(name)), name); // embeddings, norms untouched
                    }
                }
                // the shape tensor is I64 [2] holding [out, in]
                Tensor shape = q.tensor("model.layers.0.mlp.down_proj.weight_shape");
                assertEquals(DType.I64, shape.dtype());
                assertEquals(64, shape.data().get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0));
                assertEquals(172, shape.data().get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 8));
            }
        }
        JsonNode qc = new ObjectMapper().readTree(out.resolve("config.json").toFile()).path("quantization_config");
        assertEquals("compressed-tensors", qc.path("quant_method").asText());
        assertEquals("pack-quantized", qc.path("format").asText());
        assertEquals(List.of("lm_head"), List.of(qc.path("ignore").get(0).asText()));
        JsonNode w = qc.path("config_groups").path("group_0").path("weights");
        assertEquals(bits, w.path("num_bits").asInt());
        assertEquals("int", w.path("type").asText());
        assertEquals(sym, w.path("symmetric").asBoolean());
        assertEquals(group == 0 ? "channel" : "group", w.path("strategy").asText());
        if (group > 0) assertEquals(group, w.path("group_size").asInt());
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
        try (var s = Files.list(tmp)) {
            assertEquals(1, s.count()); // no temp directory left behind
        }
    }

    @Test
    void downProjWithRowsOf172HasAShorterLastGroupOf12() throws Exception {
        Path out = tmp.resolve("g32");
        try (Model src = ModelLoader.open(Fixtures.stories260kHf())) {
            IntExport.write(src, out, 4, 32, true, Progress.NONE);
        }
        try (Model q = ModelLoader.open(out)) {
            GroupedIntWeight w = q.quantizedWeight("model.layers.2.mlp.down_proj.weight").orElseThrow();
            assertEquals(6, w.groupCount()); // ceil(172 / 32)
            assertEquals(22, w.packedCols()); // ceil(172 / 8)
            // gate_proj has 172 rows: asymmetric zero points would need ceil(172 / 8) = 22 word rows
            assertEquals(8, q.quantizedWeight("model.layers.0.mlp.gate_proj.weight").orElseThrow().packedCols());
        }
    }

    @Test
    void inconsistentTensorsAreRejectedWithAOneLineMessage() throws Exception {
        Path out = tmp.resolve("bad");
        try (Model src = ModelLoader.open(Fixtures.stories260kHf())) {
            IntExport.write(src, out, 4, 32, true, Progress.NONE);
        }
        // the config says 8 bits but the tensors were packed with 4
        Path cfg = out.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"num_bits\" : 4", "\"num_bits\" : 8"));
        try (Model q = ModelLoader.open(out)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, q::quantizedWeights);
            assertTrue(e.getMessage().contains("words per row"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    private static void assertSame(MemorySegment a, MemorySegment b, String what) {
        assertEquals(a.byteSize(), b.byteSize(), what);
        assertEquals(-1L, a.mismatch(b), what + " bytes differ");
    }
}
