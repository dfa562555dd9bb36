package dev.whittle.engine.intq;

import dev.whittle.core.intq.GroupedIntWeight;
import dev.whittle.engine.kernel.DecodedRowGemm;
import dev.whittle.core.intq.IntQuantizer;
import dev.whittle.core.intq.IntScheme;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Holds the vector grouped-int kernel to its scalar reference twin. */
class GroupedIntKernelTest {
    @ParameterizedTest
    @CsvSource({
            "4, 32, true, 37, 1024", "4, 32, false, 37, 1024", "4, 128, true, 20, 1024", "4, 0, false, 20, 1000",
            "8, 0, true, 33, 768", "8, 0, false, 33, 768", "8, 64, false, 17, 512", "8, 32, true, 9, 520",
            "2, 32, false, 11, 2048", "2, 0, true, 11, 600", "3, 0, true, 9, 640", "3, 30, false, 9, 640",
            "4, 12, false, 9, 300", "4, 32, true, 5, 172", "4, 32, false, 5, 64"})
    void vectorKernelMatchesScalarReference(int bits, int group, boolean sym, int rows, int cols) {
        Random rnd = new Random(bits * 1000 + group * 7 + rows + cols + (sym ? 1 : 0));
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian() * 0.05f + (sym ? 0 : 0.01f);
        try (Arena arena = Arena.ofConfined()) {
            GroupedIntWeight g = IntQuantizer.quantize("w", rows, cols,
                    (r, dst) -> System.arraycopy(w, r * cols, dst, 0, cols), IntScheme.of(bits, group, sym), arena);
            for (int n : new int[] {1, 3, 5, DecodedRowGemm.MIN_TOKENS + 5}) { // the last: the panel GEMM path
                float[] x = new float[n * cols];
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                float[] ref = new float[n * rows];
                GroupedIntReference.multiply(g, x, n, ref, 0, rows);
                float[] vec = new float[n * rows];
                GroupedIntKernel.Prepared p = GroupedIntKernel.prepare(g, x, n);
                int split = rows / 3;
                GroupedIntKernel.multiply(g, p, vec, 0, split);
                GroupedIntKernel.multiply(g, p, vec, split, rows);
                float[] whole = new float[n * rows];
                GroupedIntKernel.multiply(g, p, whole, 0, rows);
                float[] row = new float[cols];
                for (int t = 0; t < n; t++) {
                    for (int r = 0; r < rows; r++) {
                        g.dequantizeRow(r, row);
                        double mag = 0;
                        for (int c = 0; c < cols; c++) mag += Math.abs(row[c] * x[t * cols + c]);
                        int i = t * rows + r;
                        // float summation order only: a few ulps of the magnitude of the terms
                        assertEquals(ref[i], vec[i], 2e-6 * mag + 1e-7, "bits " + bits + " token " + t + " row " + r);
                        assertEquals(Float.floatToIntBits(whole[i]), Float.floatToIntBits(vec[i]), "row split changed a result");
                    }
                }
                if (n > 1 && n < DecodedRowGemm.MIN_TOKENS) { // the batch does not change a token's result
                    float[] one = new float[rows];
                    float[] x1 = java.util.Arrays.copyOfRange(x, cols, 2 * cols);
                    GroupedIntKernel.multiply(g, GroupedIntKernel.prepare(g, x1, 1), one, 0, rows);
                    for (int r = 0; r < rows; r++) assertEquals(Float.floatToIntBits(vec[rows + r]), Float.floatToIntBits(one[r]));
                }
            }
            if (cols >= 512 && (group == 0 || group % (32 / bits) == 0)) assertTrue(GroupedIntKernel.vectorizable(g));
        }
    }
}
