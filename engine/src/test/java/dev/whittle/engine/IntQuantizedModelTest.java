package dev.whittle.engine;

import dev.whittle.core.intq.GroupedIntWeight;
import dev.whittle.core.intq.IntExport;
import dev.whittle.core.intq.GroupedIntWeights;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * stories260K written as compressed-tensors grouped ints and run by the engine with its weights packed gives the
 * logits of the same model with those weights dequantized to F32 (up to float summation order).
 */
class IntQuantizedModelTest {
    private static final int[] TOKENS = {1, 403, 407, 261, 378, 430, 363, 275, 261, 504, 290, 2, 5, 100, 511, 0, 33};

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"8, 0, true", "8, 0, false", "4, 32, true", "4, 32, false", "4, 16, false", "2, 16, true", "3, 20, false"})
    void packedWeightsGiveTheLogitsOfTheirDequantizedTwin(int bits, int group, boolean sym) throws Exception {
        Path dir = tmp.resolve("q");
        try (Model src = ModelLoader.open(TestFixtures.stories260kHf())) {
            IntExport.write(src, dir, bits, group, sym, Progress.NONE);
        }
        try (Model q = ModelLoader.open(dir); Arena arena = Arena.ofShared()) {
            Map<String, Tensor> dequantized = new LinkedHashMap<>();
            for (String name : q.tensorNames()) if (!GroupedIntWeights.isParameterTensor(name)) dequantized.put(name, q.tensor(name));
            for (GroupedIntWeight w : q.quantizedWeights().values()) dequantized.put(w.name(), w.dequantize(arena));
            assertEquals(35, q.quantizedWeights().size());
            float[] packed, twin;
            try (InferenceModel m = InferenceModel.load(q, EngineOptions.defaults().withThreads(2))) {
                assertTrue(m.layers.getFirst().q() instanceof GroupedIntProjection, "weights must run packed");
                packed = m.newSession().prefillAll(TOKENS);
            }
            try (InferenceModel m = InferenceModel.load(q.config(), dequantized, EngineOptions.defaults().withThreads(2))) {
                twin = m.newSession().prefillAll(TOKENS);
            }
            double maxDiff = 0, maxAbs = 0;
            for (int i = 0; i < twin.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(packed[i] - twin[i]));
                maxAbs = Math.max(maxAbs, Math.abs(twin[i]));
            }
            System.out.printf("int%d g%d %s: max logit difference packed vs dequantized %.3g (max |logit| %.3g)%n", bits, group, sym ? "sym" : "asym", maxDiff, maxAbs);
            assertTrue(maxDiff <= 1e-4 * maxAbs + 1e-5, "max logit difference " + maxDiff + " of max |logit| " + maxAbs);
        }
    }
}
