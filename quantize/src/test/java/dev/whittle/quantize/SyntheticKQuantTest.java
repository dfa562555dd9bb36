package dev.whittle.quantize;

import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.model.RopeScaling;
import dev.whittle.core.model.TensorNaming;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.synth.SyntheticModel;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.datasets.CalibrationSet;
import dev.whittle.datasets.CalibrationStyle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPTQ and AWQ through the Q4_K_M mix on a (random, synthetic) model whose rows fit the 256-element super-blocks:
 * Q4_K, Q6_K for the layers use_more_bits picks, Q6_K output, and no GPTQ falling back to rounding.
 */
class SyntheticKQuantTest {
    static final ModelConfig CFG = new ModelConfig(Architecture.LLAMA, 256, 2, 4, 4, 64, 512, 300, 256, 10000,
            RopeScaling.NONE, 1e-5, false, false, false, "silu", 0, 1, 2);

    static CalibrationSet randomCalibration() {
        Random r = new Random(17);
        int[][] t = new int[6][48];
        for (int[] s : t) for (int i = 0; i < s.length; i++) s[i] = 3 + r.nextInt(CFG.vocabSize() - 3);
        return new CalibrationSet("random", null, 17, CalibrationStyle.GPTQ, t, new int[6], new int[6]);
    }

    @Test
    void gptqAndAwqWriteTheMixAndDecodeToTheirValues(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("synth.gguf");
        SyntheticModel.writeGguf(CFG, "kquant-test", DType.F32, 5, src);
        CalibrationSet cal = randomCalibration();
        try (Model m = ModelLoader.open(src)) {
            for (QuantizeOptions o : new QuantizeOptions[] {QuantizeOptions.gptq(QuantPreset.Q4_K_M, cal, false),
                    QuantizeOptions.awq(QuantPreset.Q4_K_M, cal)}) {
                Path out = dir.resolve(o.method() + ".gguf");
                QuantizationReport report = ModelQuantizer.quantize(m, out, o, Progress.NONE);
                assertTrue(report.fallbacks().isEmpty(), report.fallbacks().toString());
                assertTrue(report.notes().isEmpty(), report.notes().toString());
                for (TensorReport t : report.tensors()) {
                    if (t.name().startsWith("blk.") && t.type().isBlockQuantized()) {
                        assertTrue(t.how().equals(o.method() == QuantMethod.GPTQ ? "gptq" : "awq+rtn"), t.toString());
                        assertTrue(t.relativeOutputMse() > 0 && t.relativeOutputMse() < 0.05, t.toString());
                    }
                }
                if (o.method() != QuantMethod.GPTQ) continue; // the file round trip once is enough
                var plan = TensorTypePlan.of(QuantPreset.Q4_K_M, StoriesQuantizeTest.shapes(m));
                LayerStream stream = new LayerStream(m, o,
                        c -> plan.typeOf(TensorNaming.hfToGguf(c, CFG.architecture()).orElse(c)), c -> c, new ArrayList<>());
                try (Model q = ModelLoader.open(out)) {
                    assertEquals(DType.Q6_K, q.tensor("lm_head.weight").dtype());
                    assertEquals(DType.Q4_K, q.tensor("model.layers.0.self_attn.v_proj.weight").dtype());
                    assertEquals(DType.Q6_K, q.tensor("model.layers.1.self_attn.v_proj.weight").dtype());
                    assertEquals(DType.Q6_K, q.tensor("model.layers.1.mlp.down_proj.weight").dtype());
                    for (int layer = 0; layer < CFG.numLayers(); layer++) {
                        for (String n : q.tensorNames()) {
                            if (!n.startsWith("model.layers." + layer + ".")) continue;
                            assertArrayEquals(stream.tensor(layer, n).values(), Dequantizer.toFloatArray(q.tensor(n)), 0f, n);
                        }
                    }
                }
            }
        }
    }
}
