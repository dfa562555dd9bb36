package dev.whittle.quantize;

import dev.whittle.core.quant.BlockCodecs;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GptqTest {
    static final int ROWS = 24;
    static final int COLS = 128;
    static final int TOKENS = 600;

    /** Correlated inputs (a random mixing of a few latent factors plus noise), as real activations are. */
    static float[] inputs(Random rnd, int tokens, int cols) {
        int factors = 12;
        double[][] mix = new double[factors][cols];
        for (double[] m : mix) for (int i = 0; i < cols; i++) m[i] = rnd.nextGaussian();
        double[] channelScale = new double[cols];
        for (int i = 0; i < cols; i++) channelScale[i] = Math.exp(rnd.nextGaussian());
        float[] x = new float[tokens * cols];
        for (int t = 0; t < tokens; t++) {
            double[] z = new double[factors];
            for (int f = 0; f < factors; f++) z[f] = rnd.nextGaussian();
            for (int i = 0; i < cols; i++) {
                double v = 0.1 * rnd.nextGaussian();
                for (int f = 0; f < factors; f++) v += z[f] * mix[f][i];
                x[t * cols + i] = (float) (v * channelScale[i]);
            }
        }
        return x;
    }

    static float[] weights(Random rnd, int rows, int cols) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextGaussian() * 0.05);
        return w;
    }

    /** ||W X - Ŵ X||² over the tokens, computed directly from the inputs. */
    static double outputError(float[] w, float[] q, float[] x, int rows, int cols, int tokens) {
        double e = 0;
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                double d = 0;
                for (int i = 0; i < cols; i++) d += (w[r * cols + i] - q[r * cols + i]) * (double) x[t * cols + i];
                e += d * d;
            }
        }
        return e;
    }

    static float[] rtn(float[] w, int rows, int cols, DType type) {
        return WeightEncoding.roundTrip(w, rows, cols, type);
    }

    static float[] decode(byte[] data, int rows, int cols, DType type) {
        float[] out = new float[rows * cols];
        Dequantizer.dequantizeRow(type, MemorySegment.ofArray(data), 0, out, 0, rows * cols);
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q4_K", "Q5_K", "Q6_K"})
    void outputErrorIsBelowRoundToNearest(DType type) {
        int cols = type.blockSize() == 256 ? 512 : COLS;
        Random rnd = new Random(42);
        float[] x = inputs(rnd, TOKENS, cols);
        float[] w = weights(rnd, ROWS, cols);
        Hessian h = new Hessian(cols);
        h.add(x, TOKENS);
        for (boolean actOrder : new boolean[] {false, true}) {
            Gptq.Result r = Gptq.quantize(w, ROWS, cols, h.matrix(), type, Gptq.Options.DEFAULT.withActOrder(actOrder));
            // the bytes decode to exactly the values GPTQ computed with
            assertArrayEquals(r.dequantized(), decode(r.data(), ROWS, cols, type), 0f);
            double gptq = outputError(w, r.dequantized(), x, ROWS, cols, TOKENS);
            double rtn = outputError(w, rtn(w, ROWS, cols, type), x, ROWS, cols, TOKENS);
            assertTrue(gptq < 0.8 * rtn, type + " act-order " + actOrder + ": GPTQ " + gptq + " vs RTN " + rtn);
            // the Hessian form of the error agrees with the direct computation
            double rel = Hessian.relativeError(h.matrix(), cols, w, r.dequantized(), ROWS);
            double direct = gptq / outputError(w, new float[w.length], x, ROWS, cols, TOKENS);
            assertEquals(direct, rel, 1e-6 * Math.max(1, direct) + 1e-9);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0"})
    void diagonalHessianGivesTheCodecsBytes(DType type) {
        // with no correlation between inputs there is nothing to compensate: GPTQ is RTN, byte for byte
        Random rnd = new Random(3);
        float[] w = weights(rnd, ROWS, COLS);
        double[] h = new double[COLS * COLS];
        for (int i = 0; i < COLS; i++) h[i * COLS + i] = 0.5 + rnd.nextDouble();
        Gptq.Result r = Gptq.quantize(w, ROWS, COLS, h, type, Gptq.Options.DEFAULT);
        byte[] expected = new byte[(int) type.byteSize((long) ROWS * COLS)];
        for (int row = 0; row < ROWS; row++) {
            BlockCodecs.forType(type).quantizeRow(w, row * COLS, MemorySegment.ofArray(expected), row * type.byteSize(COLS), COLS);
        }
        assertArrayEquals(expected, r.data());
    }

    @Test
    void deadColumnsAreZeroedAndDoNotBreakTheFactorisation() {
        Random rnd = new Random(5);
        float[] x = inputs(rnd, TOKENS, COLS);
        for (int t = 0; t < TOKENS; t++) {
            x[t * COLS + 3] = 0;
            x[t * COLS + 77] = 0;
        }
        float[] w = weights(rnd, ROWS, COLS);
        Hessian h = new Hessian(COLS);
        h.add(x, TOKENS);
        Gptq.Result r = Gptq.quantize(w, ROWS, COLS, h.matrix(), DType.Q4_0, Gptq.Options.DEFAULT);
        assertEquals(2, r.deadColumns());
        assertEquals(1, r.dampTries());
        for (int row = 0; row < ROWS; row++) {
            // a zero weight lands on a grid point: Q4_0's code 8 is exactly zero
            assertEquals(0f, r.dequantized()[row * COLS + 3], 0f);
            assertEquals(0f, r.dequantized()[row * COLS + 77], 0f);
        }
        for (float v : r.dequantized()) assertTrue(Float.isFinite(v));
    }

    @Test
    void indefiniteHessianRaisesTheDamping() {
        // diag 1, off-diagonal 0.9 between neighbours: eigenvalues down to 1 - 1.8 < 0, so 1 % damping fails
        int n = 64;
        double[] h = new double[n * n];
        for (int i = 0; i < n; i++) {
            h[i * n + i] = 1;
            if (i + 1 < n) {
                h[i * n + i + 1] = 0.9;
                h[(i + 1) * n + i] = 0.9;
            }
        }
        float[] w = weights(new Random(9), 8, n);
        Gptq.Result r = Gptq.quantize(w, 8, n, h, DType.Q8_0, Gptq.Options.DEFAULT);
        assertTrue(r.dampTries() > 1, "tries " + r.dampTries());
        assertTrue(r.damp() > 0.8 - 1e-9, "damp " + r.damp()); // 0.01 → 0.1 → 1: the first that makes H + λI PD
        assertArrayEquals(r.dequantized(), decode(r.data(), 8, n, DType.Q8_0), 0f);
    }

    @Test
    void choleskyRejectsIndefiniteAndFactorsDefiniteMatrices() {
        float[] bad = {1, 2, 2, 1};
        assertTrue(Cholesky.lower(bad, 2).isEmpty());
        float[] a = {4, 2, 2, 3};
        float[] u = Cholesky.upperOfInverse(a, 2).orElseThrow();
        // A⁻¹ = [[3, -2], [-2, 4]] / 8 = Uᵀ U with U upper
        double[] inv = {3 / 8.0, -2 / 8.0, -2 / 8.0, 4 / 8.0};
        assertEquals(0, u[2], 0);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                double s = 0;
                for (int k = 0; k < 2; k++) s += (double) u[k * 2 + i] * u[k * 2 + j];
                assertEquals(inv[i * 2 + j], s, 1e-7);
            }
        }
    }

    @Test
    void refusesTypesWithoutAGrid() {
        assertThrows(IllegalArgumentException.class,
                () -> Gptq.quantize(new float[256], 1, 256, new double[256 * 256], DType.Q3_K, Gptq.Options.DEFAULT));
        assertThrows(IllegalArgumentException.class,
                () -> Gptq.quantize(new float[128], 1, 128, new double[128 * 128], DType.Q4_K, Gptq.Options.DEFAULT));
    }
}
