package dev.whittle.core.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.core.Fixtures;
import dev.whittle.core.gguf.GgufFile;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Round trip through every weight type on real trained weights: the stories260K token embedding
 * (512 x 64 F32, viewed as one row of 32768 so the 256-element k-quant blocks fit). Measured relative RMSE:
 * Q8_0 0.55 %, Q6_K 1.75 %, Q5_K 3.78 %, Q5_1 3.93 %, Q5_0 4.43 %, Q4_K 7.80 %, Q4_0 8.65 %, Q4_1 8.81 %,
 * Q3_K 15.3 %, Q2_K 34.1 %. Bounds allow about 10 %.
 */
class RealWeightsQuantTest {
    static final Map<DType, Double> BOUNDS = Map.of(
            DType.Q8_0, 0.0061, DType.Q6_K, 0.0193, DType.Q5_K, 0.0416, DType.Q5_1, 0.0433, DType.Q5_0, 0.0488,
            DType.Q4_K, 0.0858, DType.Q4_0, 0.0952, DType.Q4_1, 0.0970, DType.Q3_K, 0.169, DType.Q2_K, 0.375);

    @Test
    void tokenEmbeddingRoundTrip() {
        try (GgufFile gguf = GgufFile.open(Fixtures.stories260kGguf()); Arena arena = Arena.ofConfined()) {
            Tensor embd = gguf.tensor("token_embd.weight").orElseThrow();
            Tensor flat = new Tensor(embd.name(), new long[] {embd.elementCount()}, embd.dtype(), embd.data());
            float[] x = Dequantizer.toFloatArray(flat);
            double previousK = 0;
            for (DType t : new DType[] {DType.Q8_0, DType.Q6_K, DType.Q5_K, DType.Q4_K, DType.Q3_K, DType.Q2_K,
                    DType.Q5_1, DType.Q5_0, DType.Q4_0, DType.Q4_1}) {
                double e = QuantTestSupport.relativeRmse(x, Dequantizer.toFloatArray(BlockCodecs.quantize(flat, t, arena)));
                assertTrue(e < BOUNDS.get(t), t + " relative RMSE " + e);
                assertTrue(e > BOUNDS.get(t) / 3, t + " suspiciously exact: " + e);
                if (t.name().endsWith("_K") || t == DType.Q8_0) {
                    assertTrue(e > previousK, t + " should lose more than the type above it: " + e + " vs " + previousK);
                    previousK = e;
                }
            }
        }
    }
}
