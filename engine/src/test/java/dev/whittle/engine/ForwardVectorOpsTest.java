package dev.whittle.engine;

import dev.whittle.engine.kernel.ScalarOps;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The forward pass's vector ops (what the engine runs) against their plain scalar twins in {@link ScalarOps} and
 * against independent double-precision definitions. RoPE: the engine rotates in the rotate-half layout only
 * (GGUF's interleaved Q/K rows are permuted at load), so the interleaved pairing is checked on the reference.
 */
class ForwardVectorOpsTest {
    /** Lengths around vector-width multiples, so both the lane loop and the scalar tail are exercised. */
    private static final int[] LENGTHS = {1, 7, 64, 67, 2048 + 5};

    private static float[] random(int n, long seed, double range) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) ((r.nextDouble() * 2 - 1) * range);
        return x;
    }

    private static void assertClose(float[] expected, float[] actual, double rel, double abs, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = abs + rel * Math.abs(expected[i]);
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + " at " + i + ": expected " + expected[i] + " got " + actual[i]);
        }
    }

    @Test
    void dotAxpyScale() {
        for (int n : LENGTHS) {
            float[] a = random(n + 3, n, 1), b = random(n + 5, n + 1, 1);
            double exact = 0, absSum = 0;
            for (int i = 0; i < n; i++) {
                exact += (double) a[3 + i] * b[5 + i];
                absSum += Math.abs((double) a[3 + i] * b[5 + i]);
            }
            assertEquals(exact, ForwardVectorOps.dot(a, 3, b, 5, n), 1e-6 * absSum + 1e-30, "dot n=" + n);
            assertEquals(exact, ScalarOps.dot(a, 3, b, 5, n), 1e-6 * absSum + 1e-30, "scalar dot n=" + n);
            float[] y1 = b.clone(), y2 = b.clone();
            ForwardVectorOps.axpy(0.37f, a, 3, y1, 5, n);
            ScalarOps.axpy(0.37f, a, 3, y2, 5, n);
            assertClose(y2, y1, 1e-6, 1e-7, "axpy");
            assertEquals(b[0] + (n > 0 ? 0 : 0), y1[0]); // untouched prefix before yOff
            ForwardVectorOps.scale(y1, 5, n, -2.5f);
            ScalarOps.scale(y2, 5, n, -2.5f);
            assertClose(y2, y1, 1e-6, 1e-7, "scale");
        }
    }

    /** Attention's scores: the same bits as one dot per row, for head sizes with and without tails. */
    @Test
    void dotRowsEqualsDotPerRow() {
        for (int dim : new int[] {3, 16, 64, 80, 131}) {
            int count = 39, stride = dim + 7;
            float[] q = random(dim + 1, dim, 1), k = random(3 + count * stride, dim + 1, 2);
            float[] rows = new float[count];
            ForwardVectorOps.dotRows(q, 1, k, 3, stride, count, dim, 0.125f, rows);
            for (int j = 0; j < count; j++) {
                assertEquals(ForwardVectorOps.dot(q, 1, k, 3 + j * stride, dim) * 0.125f, rows[j], 0f, "dim=" + dim + " row " + j);
            }
        }
    }

    /** Attention's weighted sum of value rows: the same bits as one axpy per row, for head sizes with and without tails. */
    @Test
    void weightedRowSumEqualsAxpyPerRow() {
        for (int dim : new int[] {3, 16, 64, 80, 128, 131}) {
            int len = 37, stride = dim + 9;
            float[] w = random(len, dim, 1), v = random(5 + len * stride, dim + 1, 2), start = random(dim + 2, dim + 2, 1);
            float[] fused = start.clone(), perRow = start.clone();
            ForwardVectorOps.weightedRowSum(w, len, v, 5, stride, fused, 2, dim);
            for (int j = 0; j < len; j++) ForwardVectorOps.axpy(w[j], v, 5 + j * stride, perRow, 2, dim);
            assertArrayEquals(perRow, fused, "dim=" + dim);
        }
    }

    @Test
    void rmsNormMatchesDefinition() {
        for (int n : LENGTHS) {
            float[] x = random(n + 2, 7 * n, 3), w = random(n, 8 * n, 2), out = new float[n + 1], ref = new float[n + 1];
            ForwardVectorOps.rmsNorm(x, 2, w, 1e-5f, out, 1, n);
            ScalarOps.rmsNorm(ref, 1, x, 2, w, n, 1e-5f);
            assertClose(ref, out, 1e-5, 1e-6, "rmsNorm n=" + n);
            double ss = 0;
            for (int i = 0; i < n; i++) ss += (double) x[2 + i] * x[2 + i];
            double inv = 1 / Math.sqrt(ss / n + 1e-5);
            for (int i = 0; i < n; i++) assertEquals(x[2 + i] * inv * w[i], ref[1 + i], 1e-5 * Math.abs(x[2 + i] * inv * w[i]) + 1e-6);
        }
    }

    @Test
    void layerNormMatchesDefinition() {
        for (int n : LENGTHS) {
            if (n == 1) continue; // variance 0: output is the bias alone, checked below
            float[] x = random(n, 9 * n, 4), w = random(n, 10 * n, 2), bias = random(n, 11 * n, 1);
            for (int i = 0; i < n; i++) x[i] += 100; // a large offset: the two-pass variance must not cancel
            float[] out = new float[n], ref = new float[n];
            ForwardVectorOps.layerNorm(x, 0, w, bias, 1e-5f, out, 0, n);
            ScalarOps.layerNorm(ref, 0, x, 0, w, bias, n, 1e-5f);
            assertClose(ref, out, 1e-4, 1e-5, "layerNorm n=" + n);
            double mean = 0;
            for (float v : x) mean += v;
            mean /= n;
            double var = 0;
            for (float v : x) var += (v - mean) * (v - mean);
            var /= n;
            for (int i = 0; i < n; i++) {
                double e = (x[i] - mean) / Math.sqrt(var + 1e-5) * w[i] + bias[i];
                assertEquals(e, out[i], 1e-4 * (1 + Math.abs(e)), "layerNorm def n=" + n + " i=" + i);
            }
        }
        float[] one = {5f}, out = new float[1];
        ForwardVectorOps.layerNorm(one, 0, new float[] {3f}, new float[] {0.25f}, 1e-5f, out, 0, 1);
        assertEquals(0.25f, out[0], 0f);
    }

    @Test
    void softmaxIsStableAndNormalised() {
        for (int n : LENGTHS) {
            float[] x = random(n, 12 * n, 20);
            x[n / 2] = 1000f; // would overflow exp without the max shift
            float[] v = x.clone(), s = x.clone();
            ForwardVectorOps.softmax(v, 0, n);
            ScalarOps.softmax(s, 0, n);
            assertClose(s, v, 2e-6, 1e-30, "softmax n=" + n);
            double sum = 0;
            for (float f : v) {
                assertTrue(Float.isFinite(f));
                sum += f;
            }
            assertEquals(1.0, sum, 1e-5);
            assertEquals(1.0, v[n / 2], 1e-6); // 1000 dominates everything else in [-20, 20]
        }
    }

    @Test
    void activationsMatchDefinitions() {
        for (int n : LENGTHS) {
            float[] x = random(n, 13 * n, 8);
            float[] a = x.clone(), b = x.clone();
            ForwardVectorOps.silu(a, n);
            ScalarOps.silu(b, 0, n);
            assertClose(b, a, 1e-6, 1e-7, "silu");
            for (int i = 0; i < n; i++) assertEquals(x[i] / (1 + Math.exp(-x[i])), b[i], 1e-6 * (1 + Math.abs(b[i])));

            float[] up = random(n, 14 * n, 2);
            a = x.clone();
            b = x.clone();
            ForwardVectorOps.siluMul(a, up, n);
            ScalarOps.siluMul(b, 0, up, 0, n);
            assertClose(b, a, 1e-6, 1e-7, "siluMul");

            a = x.clone();
            b = x.clone();
            ForwardVectorOps.geluTanh(a, n);
            ScalarOps.geluTanh(b, 0, n);
            assertClose(b, a, 2e-6, 2e-7, "geluTanh");

            a = x.clone();
            b = x.clone();
            ForwardVectorOps.geluErf(a, n);
            ScalarOps.geluErf(b, 0, n);
            // A&S 7.1.26 erf error <= 1.5e-7 absolute, times 0.5|x|
            for (int i = 0; i < n; i++) assertEquals(b[i], a[i], 1e-7 * (1 + Math.abs(x[i])) + 1e-6 * Math.abs(b[i]), "geluErf x=" + x[i]);
        }
    }

    @Test
    void erfReferenceMatchesKnownValues() {
        // erf(0.5), erf(1), erf(2), erf(3.5): tabulated values (Abramowitz & Stegun table 7.1 / DLMF)
        assertEquals(0.5204998778130465, ScalarOps.erf(0.5), 1e-13);
        assertEquals(0.8427007929497149, ScalarOps.erf(1.0), 1e-13);
        assertEquals(0.9953222650189527, ScalarOps.erf(2.0), 1e-13);
        assertEquals(0.9999992569016276, ScalarOps.erf(3.5), 1e-13);
        assertEquals(-0.8427007929497149, ScalarOps.erf(-1.0), 1e-13);
    }

    @Test
    void ropeBothPairingsMatchRotationDefinition() {
        for (int dim : new int[] {2, 16, 64, 80, 128}) {
            float[] x = random(dim + 4, dim, 2);
            float[] cos = new float[dim / 2 + 1], sin = new float[dim / 2 + 1];
            int pos = 17;
            for (int i = 0; i < dim / 2; i++) {
                double theta = pos * Math.pow(10000, -2.0 * i / dim);
                cos[1 + i] = (float) Math.cos(theta);
                sin[1 + i] = (float) Math.sin(theta);
            }
            float[] v = x.clone(), s;
            ScalarOps.ropeInterleaved(v, 4, dim, cos, sin, 1);
            for (int i = 0; i < dim / 2; i++) {
                double a = x[4 + 2 * i], b = x[4 + 2 * i + 1];
                assertEquals(a * cos[1 + i] - b * sin[1 + i], v[4 + 2 * i], 1e-6);
                assertEquals(a * sin[1 + i] + b * cos[1 + i], v[4 + 2 * i + 1], 1e-6);
                // a rotation keeps each pair's length
                assertEquals(Math.hypot(a, b), Math.hypot(v[4 + 2 * i], v[5 + 2 * i]), 1e-5);
            }
            assertArrayEquals(Arrays.copyOf(x, 4), Arrays.copyOf(v, 4));

            v = x.clone();
            s = x.clone();
            ForwardVectorOps.ropeRotateHalf(v, 4, dim, Arrays.copyOfRange(cos, 1, cos.length), Arrays.copyOfRange(sin, 1, sin.length));
            ScalarOps.ropeHalf(s, 4, dim, cos, sin, 1);
            assertArrayEquals(s, v, "half dim=" + dim);
            int h = dim / 2;
            for (int i = 0; i < h; i++) {
                double a = x[4 + i], b = x[4 + h + i];
                assertEquals(a * cos[1 + i] - b * sin[1 + i], v[4 + i], 1e-6);
                assertEquals(a * sin[1 + i] + b * cos[1 + i], v[4 + h + i], 1e-6);
            }
        }
    }

    @Test
    void partialRotaryLeavesTheRestUntouched() {
        float[] x = random(64, 3, 1), cos = new float[16], sin = new float[16];
        Arrays.fill(cos, 0.6f);
        Arrays.fill(sin, 0.8f);
        float[] v = x.clone();
        ForwardVectorOps.ropeRotateHalf(v, 0, 32, cos, sin);
        assertArrayEquals(Arrays.copyOfRange(x, 32, 64), Arrays.copyOfRange(v, 32, 64));
        assertEquals(x[0] * 0.6f - x[16] * 0.8f, v[0], 1e-6);
    }
}
