package dev.whittle.quantize;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CholeskyTest {
    /** A random symmetric positive definite n × n matrix: B Bᵀ / n + I/10. */
    private static float[] spd(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] b = new double[n * n];
        for (int i = 0; i < b.length; i++) b[i] = r.nextDouble(-1, 1);
        float[] a = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
                a[i * n + j] = (float) (s / n + (i == j ? 0.1 : 0));
            }
        }
        return a;
    }

    @Test
    void lowerFactorReproducesTheMatrix() {
        int n = 301;
        float[] a = spd(n, 3);
        float[] l = Cholesky.lower(a, n).orElseThrow();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (j > i) assertEquals(0, l[i * n + j], "upper part zero");
                double s = 0;
                for (int k = 0; k < n; k++) s += (double) l[i * n + k] * l[j * n + k];
                assertEquals(a[i * n + j], s, 2e-5, "L Lᵀ at " + i + "," + j);
            }
        }
    }

    /** GPTQ's Hinv: U upper with positive diagonal and Uᵀ U A = I to float32 accuracy; n spans several panels and tiles. */
    @Test
    void upperFactorOfTheInverse() {
        int n = 700;
        float[] a = spd(n, 5);
        float[] u = Cholesky.upperOfInverse(a, n).orElseThrow();
        double[] utu = new double[n * n];
        for (int i = 0; i < n; i++) {
            assertTrue(u[i * n + i] > 0, "positive diagonal");
            for (int j = 0; j < i; j++) assertEquals(0, u[i * n + j], "lower part zero");
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += (double) u[k * n + i] * u[k * n + j];
                utu[i * n + j] = s;
            }
        }
        for (int i = 0; i < n; i += 7) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += utu[i * n + k] * a[k * n + j];
                assertEquals(i == j ? 1 : 0, s, 1e-3, "Uᵀ U A at " + i + "," + j);
            }
        }
    }
}
