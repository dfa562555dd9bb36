package dev.whittle.quantize;

import dev.whittle.core.intq.GroupedIntWeight;
import dev.whittle.core.intq.IntQuantizer;
import dev.whittle.core.intq.IntScheme;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.util.Random;

import static dev.whittle.quantize.GptqTest.inputs;
import static dev.whittle.quantize.GptqTest.outputError;
import static dev.whittle.quantize.GptqTest.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GPTQ onto grouped integer grids (compressed-tensors pack-quantized). */
class GptqIntTest {
    static final int ROWS = 24, COLS = 128, TOKENS = 600;

    static float[] rtn(float[] w, IntScheme s) {
        try (Arena a = Arena.ofConfined()) {
            GroupedIntWeight g = IntQuantizer.quantize("w", ROWS, COLS, (r, dst) -> System.arraycopy(w, r * COLS, dst, 0, COLS), s, a);
            float[] out = new float[ROWS * COLS];
            float[] row = new float[COLS];
            for (int r = 0; r < ROWS; r++) {
                g.dequantizeRow(r, row);
                System.arraycopy(row, 0, out, r * COLS, COLS);
            }
            return out;
        }
    }

    @ParameterizedTest
    @CsvSource({"4,32,true", "4,32,false", "3,32,true", "2,64,false", "8,0,true", "4,0,false"})
    void outputErrorIsBelowRoundToNearestAndTheWeightDecodesToIt(int bits, int group, boolean sym) {
        IntScheme scheme = IntScheme.of(bits, group, sym);
        Random rnd = new Random(42);
        float[] x = inputs(rnd, TOKENS, COLS);
        float[] w = weights(rnd, ROWS, COLS);
        Hessian h = new Hessian(COLS);
        h.add(x, TOKENS);
        double rtn = outputError(w, rtn(w, scheme), x, ROWS, COLS, TOKENS);
        for (boolean actOrder : new boolean[] {false, true}) {
            Gptq.Options o = Gptq.Options.DEFAULT.withActOrder(actOrder);
            Gptq.IntResult r = Gptq.quantize(w, ROWS, COLS, Gptq.prepare(h.matrix(), COLS, o), scheme, o);
            try (Arena a = Arena.ofConfined()) {
                GroupedIntWeight g = IntQuantizer.assemble("w", ROWS, COLS, scheme, r.codes(), r.scales(), r.zeroPoints(), a);
                float[] row = new float[COLS];
                for (int k = 0; k < ROWS; k++) {
                    g.dequantizeRow(k, row);
                    // the packed weight decodes to exactly what GPTQ fed back
                    assertArrayEquals(java.util.Arrays.copyOfRange(r.dequantized(), k * COLS, (k + 1) * COLS), row, 0f, "row " + k);
                }
            }
            double gptq = outputError(w, r.dequantized(), x, ROWS, COLS, TOKENS);
            assertTrue(gptq < 0.8 * rtn, scheme.label() + " act-order " + actOrder + ": GPTQ " + gptq + " vs RTN " + rtn);
        }
    }

    @ParameterizedTest
    @CsvSource({"32,false", "48,true", "48,false", "0,true"})
    void diagonalHessianGivesRoundToNearest(int group, boolean sym) {
        // uncorrelated inputs: nothing to compensate, so GPTQ's codes are compressed-tensors' RTN codes, including a
        // shorter last group (128 = 48 + 48 + 32)
        IntScheme scheme = IntScheme.of(4, group, sym);
        Random rnd = new Random(3);
        float[] w = weights(rnd, ROWS, COLS);
        double[] h = new double[COLS * COLS];
        for (int i = 0; i < COLS; i++) h[i * COLS + i] = 1 + rnd.nextDouble();
        for (boolean act : new boolean[] {false, true}) {
            Gptq.Options o = Gptq.Options.DEFAULT.withActOrder(act);
            Gptq.IntResult r = Gptq.quantize(w, ROWS, COLS, Gptq.prepare(h, COLS, o), scheme, o);
            assertArrayEquals(rtn(w, scheme), r.dequantized(), 1e-7f, scheme.label() + " act-order " + act);
            assertEquals(ROWS * scheme.groupCount(COLS), r.scales().length);
        }
    }
}
