package dev.whittle.core.quant;

import static dev.whittle.core.quant.QuantTestSupport.dequantize;
import static dev.whittle.core.quant.QuantTestSupport.gaussian;
import static dev.whittle.core.quant.QuantTestSupport.quantize;
import static dev.whittle.core.quant.QuantTestSupport.relativeRmse;
import static dev.whittle.core.quant.QuantTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.core.tensor.DType;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Quantize -> dequantize error on seeded data (64 super-blocks = 16384 values), as RMS error over RMS signal.
 * Bounds are the measured values plus about 10-15 % (measured: N(0,1) / U(-1,1)):
 * Q8_0 0.529/0.376 %, Q8_K 0.698/0.394 %, Q6_K 1.78/1.33 %, Q5_K 3.59/2.76 %, Q5_1 3.76/2.94 %,
 * Q5_0 4.21/3.12 %, Q4_K 7.12/5.44 %, Q4_1 7.82/6.04 %, Q4_0 8.53/6.50 %, Q3_K 15.0/12.5 %, Q2_K 29.3/23.1 %.
 */
class RoundTripErrorTest {
    static final int N = 256 * 64;

    static final Map<DType, double[]> BOUNDS = new EnumMap<>(Map.ofEntries(
            Map.entry(DType.Q8_0, new double[] {0.0060, 0.0043}),
            Map.entry(DType.Q8_K, new double[] {0.0080, 0.0045}),
            Map.entry(DType.Q6_K, new double[] {0.0200, 0.0150}),
            Map.entry(DType.Q5_K, new double[] {0.0400, 0.0310}),
            Map.entry(DType.Q5_1, new double[] {0.0420, 0.0330}),
            Map.entry(DType.Q5_0, new double[] {0.0470, 0.0350}),
            Map.entry(DType.Q4_K, new double[] {0.0800, 0.0610}),
            Map.entry(DType.Q4_1, new double[] {0.0870, 0.0680}),
            Map.entry(DType.Q4_0, new double[] {0.0950, 0.0730}),
            Map.entry(DType.Q3_K, new double[] {0.1700, 0.1400}),
            Map.entry(DType.Q2_K, new double[] {0.3300, 0.2600})));

    static double error(DType type, float[] x) {
        return relativeRmse(x, dequantize(type, quantize(type, x)));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q8_0", "Q8_K", "Q6_K", "Q5_K", "Q5_1", "Q5_0", "Q4_K", "Q4_1", "Q4_0", "Q3_K", "Q2_K"})
    void errorWithinBound(DType type) {
        double g = error(type, gaussian(42, N));
        double u = error(type, uniform(42, N));
        assertTrue(g < BOUNDS.get(type)[0], type + " gaussian relative RMSE " + g);
        assertTrue(u < BOUNDS.get(type)[1], type + " uniform relative RMSE " + u);
        // A codec that silently passed floats through would have no error at all; every type loses information.
        assertTrue(g > BOUNDS.get(type)[0] / 3 && u > BOUNDS.get(type)[1] / 3, type + " suspiciously exact: " + g + ", " + u);
    }

    @Test
    void moreBitsMeanLessError() {
        for (float[] x : new float[][] {gaussian(7, N), uniform(7, N)}) {
            DType[] kQuants = {DType.Q8_0, DType.Q6_K, DType.Q5_K, DType.Q4_K, DType.Q3_K, DType.Q2_K};
            DType[] legacy = {DType.Q8_0, DType.Q5_1, DType.Q5_0, DType.Q4_1, DType.Q4_0};
            for (DType[] chain : new DType[][] {kQuants, legacy}) {
                for (int i = 1; i < chain.length; i++) {
                    double better = error(chain[i - 1], x);
                    double worse = error(chain[i], x);
                    assertTrue(better < worse, chain[i - 1] + " " + better + " should beat " + chain[i] + " " + worse);
                }
            }
            // At equal bits the k-quants (finer sub-block scales fitted by least squares) beat the legacy types.
            assertTrue(error(DType.Q4_K, x) < error(DType.Q4_1, x));
            assertTrue(error(DType.Q5_K, x) < error(DType.Q5_1, x));
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q8_0", "Q4_0", "Q5_0"})
    void requantizingDequantizedDataIsIdempotent(DType type) {
        // Guaranteed by the algorithm: the extreme element decodes to exactly (top code)*d_f16, so the second
        // pass recomputes the same f16 d, and every other decoded value sits exactly on a quant level
        // (x*id lands within rounding error of an integer, far from the rounding boundaries at +-0.5).
        float[] x = gaussian(5, N);
        byte[] q = quantize(type, x);
        assertArrayEquals(q, quantize(type, dequantize(type, q)));
    }
}
