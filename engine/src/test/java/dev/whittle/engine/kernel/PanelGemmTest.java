package dev.whittle.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PanelGemmTest {
    /**
     * Every output must be exactly the sequential fma chain over p (the contract that makes results independent
     * of blocking and threads), and that chain must be the product to float accuracy. Shapes cover partial row
     * groups, token counts below, at and past one four-vector block, and k crossing the block edges.
     */
    @Test
    void everyOutputIsTheSequentialFmaChain() {
        Random rnd = new Random(12);
        int[][] shapes = {{1, 1, 1}, {5, 16, 7}, {13, 21, 129}, {48, 70, 300}, {37, 64, 256}, {7, 130, 1000}, {48, 128, 520}, {12, 32, 300}, {13, 100, 40}};
        for (int[] s : shapes) {
            int rows = s[0], n = s[1], k = s[2];
            float[] x = random(rnd, n * k);
            float[] panel = random(rnd, rows * k);
            float[][] panelRows = new float[rows][];
            for (int r = 0; r < rows; r++) panelRows[r] = java.util.Arrays.copyOfRange(panel, r * k, r * k + k);
            PanelGemm.Transposed xt = PanelGemm.transpose(x, n, k);
            float[] ct = new float[rows * xt.stride()];
            PanelGemm.multiply(panelRows, rows, k, xt, ct);
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < n; t++) {
                    float chain = 0;
                    double ref = 0;
                    for (int p = 0; p < k; p++) {
                        chain = Math.fma(panel[r * k + p], x[t * k + p], chain);
                        ref += (double) panel[r * k + p] * x[t * k + p];
                    }
                    String at = "rows=" + rows + " n=" + n + " k=" + k + " r=" + r + " t=" + t;
                    assertEquals(chain, ct[r * xt.stride() + t], 0f, at);
                    assertEquals(ref, chain, 1e-4 * (1 + Math.abs(ref)), at);
                }
            }
        }
    }

    @Test
    void transposePadsTokensToWholeVectorsWithZeros() {
        float[] x = {1, 2, 3, 4, 5, 6}; // 3 tokens of 2
        PanelGemm.Transposed t = PanelGemm.transpose(x, 3, 2);
        assertEquals(0, t.stride() % KernelSpecies.L);
        assertEquals(3, t.n());
        for (int tok = 0; tok < t.stride(); tok++) {
            for (int p = 0; p < 2; p++) {
                assertEquals(tok < 3 ? x[tok * 2 + p] : 0f, t.at(p, tok), 0f, "token " + tok + " p " + p);
            }
        }
    }

    private static float[] random(Random rnd, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }
}
