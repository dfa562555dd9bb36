package dev.whittle.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class OuterProductGemmTest {
    /** Shapes with row, vector and scalar tails and k crossing the 256-row block edge; A stored both ways round. */
    @Test
    void matchesDoubleReferenceWithEitherLayoutOfA() {
        Random rnd = new Random(4);
        int[][] shapes = {{7, 37, 300}, {4, 32, 16}, {1, 1, 1}, {13, 70, 513}, {9, 1030, 5}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(rnd, m * k), b = random(rnd, k * n), init = random(rnd, m * n);
            float[] at = new float[k * m];
            for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) at[p * m + i] = a[i * k + p];
            float[] c1 = init.clone(), c2 = init.clone();
            OuterProductGemm.multiply(a, 0, k, 1, b, 0, n, c1, 0, n, m, n, k, true);
            OuterProductGemm.multiply(at, 0, 1, m, b, 0, n, c2, 0, n, m, n, k, true);
            assertArrayEquals(c1, c2, "layout of A must not change a bit");
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = init[i * n + j];
                    for (int p = 0; p < k; p++) ref += (double) a[i * k + p] * b[p * n + j];
                    assertEquals(ref, c1[i * n + j], 1e-4 * (1 + Math.abs(ref)), "m=" + m + " n=" + n + " k=" + k);
                }
            }
        }
    }

    /** Every element is the same fma chain whatever tile it falls in: a sub-block equals that part of the whole. */
    @Test
    void subBlocksEqualThePartOfTheFullProduct() {
        Random rnd = new Random(8);
        int m = 21, n = 77, k = 600;
        float[] a = random(rnd, m * k), b = random(rnd, k * n), full = new float[m * n];
        OuterProductGemm.multiply(a, 0, k, 1, b, 0, n, full, 0, n, m, n, k, false);
        float[] part = new float[m * n];
        OuterProductGemm.multiply(a, 3 * k, k, 1, b, 5, n, part, 3 * n + 5, n, 11, 50, k, false);
        for (int i = 3; i < 14; i++) for (int j = 5; j < 55; j++) assertEquals(full[i * n + j], part[i * n + j], 0f, i + "," + j);
    }

    /** The contract, checked exactly: each element is the fma chain over p from its starting value. */
    @Test
    void everyElementIsTheSequentialFmaChain() {
        Random rnd = new Random(15);
        int[][] shapes = {{6, 64, 300}, {13, 70, 513}, {7, 129, 40}, {25, 200, 257}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(rnd, m * k), b = random(rnd, k * n), init = random(rnd, m * n);
            float[] c = init.clone();
            OuterProductGemm.multiply(a, 0, k, 1, b, 0, n, c, 0, n, m, n, k, true);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float chain = init[i * n + j];
                    for (int p = 0; p < k; p++) chain = Math.fma(a[i * k + p], b[p * n + j], chain);
                    assertEquals(chain, c[i * n + j], 0f, "m=" + m + " n=" + n + " k=" + k + " at " + i + "," + j);
                }
            }
        }
    }

    private static float[] random(Random rnd, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }
}
