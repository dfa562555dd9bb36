package dev.whittle.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FloatGemmTest {
    @Test
    void matchesDoubleReferenceOnOddShapes() {
        Random rnd = new Random(7);
        int[][] shapes = {{7, 5, 37}, {9, 3, 100}, {4, 4, 16}, {1, 1, 1}, {13, 11, 65}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(rnd, m * k), b = random(rnd, n * k), c = random(rnd, m * n), init = c.clone();
            FloatGemm.multiply(a, b, c, m, n, k, n, true);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = init[i * n + j];
                    for (int p = 0; p < k; p++) ref += (double) a[i * k + p] * b[j * k + p];
                    assertEquals(ref, c[i * n + j], 1e-4 * (1 + Math.abs(ref)), "m=" + m + " n=" + n + " k=" + k);
                }
            }
        }
    }

    @Test
    void resultDoesNotDependOnThreadCount() {
        Random rnd = new Random(3);
        int m = 23, n = 6, k = 70;
        float[] a = random(rnd, m * k), b = random(rnd, n * k);
        float[] one = new float[m * n], two = new float[m * n];
        FloatGemm.multiply(a, b, one, m, n, k, n, false);
        FloatGemm.multiply(a, b, two, m, n, k, n, false, 3);
        assertArrayEquals(one, two);
    }

    @Test
    void blockingOverBRowsKeepsEveryElementsSummationOrder() {
        // k this long makes the L2 block of B only 4 rows, so 13 columns cross three block edges and a tail
        Random rnd = new Random(11);
        int m = 6, n = 13, k = 40_000;
        float[] a = random(rnd, m * k), b = random(rnd, n * k), c = new float[m * n];
        FloatGemm.multiply(a, b, c, m, n, k, n, false);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float[] one = new float[1];
                FloatGemm.multiply(a, i * k, b, j * k, one, 0, 1, 1, k, 1, false);
                assertEquals(one[0], c[i * n + j], 0f, "i=" + i + " j=" + j);
            }
        }
    }

    @Test
    void subMatrixProductEqualsThatPartOfTheFullProduct() {
        Random rnd = new Random(5);
        int m = 17, n = 19, k = 33;
        float[] a = random(rnd, m * k), b = random(rnd, n * k), full = new float[m * n];
        FloatGemm.multiply(a, b, full, m, n, k, n, false);
        float[] part = new float[m * n];
        FloatGemm.multiply(a, 5 * k, b, 6 * k, part, 5 * n + 6, 8, 9, k, n, false);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                boolean inside = i >= 5 && i < 13 && j >= 6 && j < 15;
                assertEquals(inside ? full[i * n + j] : 0f, part[i * n + j], 0f, "i=" + i + " j=" + j);
            }
        }
    }

    @Test
    void stridedOperandsEqualPackedOnes() {
        // a 9 x 21 block (k = 21) of a 30-wide matrix A and a 7 x 21 block of a 40-wide B, against packed copies
        Random rnd = new Random(9);
        float[] bigA = random(rnd, 20 * 30), bigB = random(rnd, 12 * 40);
        int m = 9, n = 7, k = 21;
        float[] a = new float[m * k], b = new float[n * k];
        for (int i = 0; i < m; i++) System.arraycopy(bigA, (i + 2) * 30 + 5, a, i * k, k);
        for (int j = 0; j < n; j++) System.arraycopy(bigB, (j + 3) * 40 + 11, b, j * k, k);
        float[] packed = new float[m * n], strided = new float[m * n];
        FloatGemm.multiply(a, b, packed, m, n, k, n, false);
        FloatGemm.multiply(bigA, 2 * 30 + 5, 30, bigB, 3 * 40 + 11, 40, strided, 0, n, m, n, k, false);
        assertArrayEquals(packed, strided);
    }

    private static float[] random(Random rnd, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }
}
