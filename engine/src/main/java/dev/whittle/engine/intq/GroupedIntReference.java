package dev.whittle.engine.intq;

import dev.whittle.core.intq.GroupedIntWeight;

/**
 * The scalar reference for grouped-int matmul: each weight dequantized as {@code (q − zp) · scale} (exactly as
 * {@link GroupedIntWeight#dequantizeRow} does) and multiplied in column order. Slow and obvious; the vector kernel
 * is held to it by tests.
 */
public final class GroupedIntReference {
    private GroupedIntReference() {}

    /** out[t · rows + r] = Σ_c w[r][c] · x[t · cols + c] for tokens t < n and rows r in [rowStart, rowEnd). */
    public static void multiply(GroupedIntWeight w, float[] x, int n, float[] out, int rowStart, int rowEnd) {
        int cols = w.cols(), rows = w.rows();
        for (int r = rowStart; r < rowEnd; r++) {
            for (int t = 0; t < n; t++) {
                float sum = 0f;
                for (int c = 0; c < cols; c++) {
                    int g = c / w.groupSize();
                    float wf = (w.quant(r, c) - w.zeroPoint(r, g)) * w.scale(r, g);
                    sum += wf * x[t * cols + c];
                }
                out[t * rows + r] = sum;
            }
        }
    }
}
