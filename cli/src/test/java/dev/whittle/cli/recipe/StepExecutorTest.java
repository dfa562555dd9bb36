package dev.whittle.cli.recipe;

import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real steps on stories260K: chained convert → RTN quantize, and per-tensor errors in the expected order of magnitude. */
class StepExecutorTest {
    @TempDir Path dir;

    @Test
    void chainedStepsWriteOneModelAndRtnErrorsScaleWithBits() throws Exception {
        Path base = Fixtures.stories();
        StepExecutor steps = new StepExecutor();
        Path q8 = dir.resolve("q8/model.gguf");
        steps.run(base, List.of(new Step.Convert("f16"), new Step.Quantize("rtn", "q8_0", 32, false, null)), q8, null, 2, Progress.NONE);
        Path q4 = dir.resolve("q4/model.gguf");
        steps.run(base, List.of(new Step.Quantize("rtn", "q4_0", 32, false, null)), q4, null, 2, Progress.NONE);
        assertEquals(3, steps.executed());
        try (var left = Files.list(q8.getParent())) {
            assertEquals(List.of(q8), left.toList(), "intermediate and partial files are removed");
        }
        Map<String, Double> e8 = QuantErrorMeasure.compare(base, q8);
        Map<String, Double> e4 = QuantErrorMeasure.compare(base, q4);
        Map<String, DType> t8 = typesByGgufName(q8);
        Map<String, DType> t4 = typesByGgufName(q4);
        // stories260K: 7 matrices × 5 layers + token_embd; ffn_down rows have 172 weights, not a whole number of
        // 32-blocks, so the type plan falls back for them; the other 6 matrices of every layer get the preset's type
        // (token_embd follows llama.cpp's plan for the tied output).
        assertEquals(36, e8.size());
        assertTrue(e8.keySet().stream().filter(n -> t8.get(n) == DType.Q8_0).count() >= 30, t8.toString());
        assertTrue(e4.keySet().stream().filter(n -> t4.get(n) == DType.Q4_0).count() >= 30, t4.toString());
        for (int layer = 0; layer < 5; layer++) assertFalse(t4.get("blk." + layer + ".ffn_down.weight").isBlockQuantized() && t4.get("blk." + layer + ".ffn_down.weight") == DType.Q4_0);
        // Round-to-nearest with step absmax/127 (Q8_0) or absmax/8 (Q4_0) over blocks of 32: the relative RMS error is
        // about (absmax/σ)/(levels·√12), i.e. ~0.5 % for Q8_0 and ~7 % for Q4_0 on roughly Gaussian weights.
        for (var e : e8.entrySet()) {
            if (t8.get(e.getKey()) == DType.Q8_0) assertTrue(e.getValue() > 1e-3 && e.getValue() < 2e-2, e.toString());
            else if (!t8.get(e.getKey()).isBlockQuantized()) assertTrue(e.getValue() < 5e-4, "float fallback keeps F16's rounding only: " + e);
            else assertTrue(e.getValue() < 5e-2, e.toString());
        }
        for (var e : e4.entrySet()) {
            if (t4.get(e.getKey()) != DType.Q4_0) continue;
            assertTrue(e.getValue() > 2e-2 && e.getValue() < 0.2, e.toString());
            assertTrue(e.getValue() > 8 * e8.get(e.getKey()), e.getKey());
        }
    }

    private static Map<String, DType> typesByGgufName(Path model) {
        Map<String, DType> out = new java.util.HashMap<>();
        try (Model m = ModelLoader.open(model)) {
            for (String n : m.tensorNames()) {
                out.put(dev.whittle.core.model.TensorNaming.hfToGguf(n, m.config().architecture()).orElse(n), m.tensor(n).dtype());
            }
        }
        return out;
    }

    @Test
    void gptqDrawsItsCalibrationFromTheRecipesDatasetAndBeatsRtnOnOutputError() throws Exception {
        Path base = Fixtures.stories();
        StepExecutor steps = new StepExecutor();
        Calibration cal = new Calibration("c4-sample", 16, 64, 1);
        Path rtn = dir.resolve("rtn/model.gguf");
        Path gptq = dir.resolve("gptq/model.gguf");
        steps.run(base, List.of(new Step.Quantize("rtn", "q4_0", 32, false, null)), rtn, Fixtures.datasets(), 2, Progress.NONE);
        steps.run(base, List.of(new Step.Quantize("gptq", "q4_0", 32, false, cal)), gptq, Fixtures.datasets(), 2, Progress.NONE);
        Map<String, DType> types = typesByGgufName(gptq);
        assertEquals(typesByGgufName(rtn), types, "same type plan");
        // GPTQ minimises output error, not weight error: its weights differ from RTN's and are no closer to the base.
        Map<String, Double> eRtn = QuantErrorMeasure.compare(base, rtn);
        Map<String, Double> eGptq = QuantErrorMeasure.compare(base, gptq);
        String q = "blk.0.attn_q.weight";
        assertTrue(eGptq.get(q) != eRtn.get(q).doubleValue(), "GPTQ changed the rounding");
        assertTrue(eGptq.get(q) >= 0.9 * eRtn.get(q), eGptq.get(q) + " vs " + eRtn.get(q));
    }
}
