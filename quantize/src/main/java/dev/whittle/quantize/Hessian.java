package dev.whittle.quantize;

import java.util.stream.IntStream;

/**
 * GPTQ's layer Hessian {@code H = 2/N · Σ x xᵀ} over the N calibration input rows of a linear layer (each row one
 * token's input vector), accumulated in double. Also gives the relative output error of a replacement weight,
 * {@code ||(W - Ŵ)X||² / ||WX||² = Σ_r δ_rᵀ H δ_r / Σ_r w_rᵀ H w_r}.
 */
public final class Hessian {
    private final int n;
    private final double[] h;
    private long rows;

    public Hessian(int columns) {
        this.n = columns;
        this.h = new double[columns * columns];
    }

    public int columns() {
        return n;
    }

    public long samples() {
        return rows;
    }

    /** Tokens per float product before the sums move into the double accumulator. */
    private static final int CHUNK = 1024;

    /**
     * Adds {@code count} input rows of length {@link #columns()} from {@code x} (row-major): each chunk of rows
     * becomes one float product Xᵀ·X on the engine's matmul kernel (as the reference accumulates in float32 on the
     * GPU), summed across chunks in double.
     */
    public void add(float[] x, int count) {
        if ((long) count * n > x.length) throw new IllegalArgumentException(count + " rows of " + n + " overrun " + x.length);
        for (int from = 0; from < count; from += CHUNK) {
            int m = Math.min(CHUNK, count - from);
            float[] xt = FloatMatmul.transpose(x, from, m, n);
            float[] g = FloatMatmul.multiplyTransposed(xt, n, m, xt, n);
            IntStream.range(0, n).parallel().forEach(i -> {
                int base = i * n;
                for (int j = i; j < n; j++) h[base + j] += g[base + j];
            });
        }
        rows += count;
    }

    /** The matrix 2/N Σ x xᵀ, full and symmetric, as a new row-major array. */
    public double[] matrix() {
        double[] out = new double[n * n];
        double f = rows == 0 ? 0 : 2.0 / rows;
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double v = h[i * n + j] * f;
                out[i * n + j] = v;
                out[j * n + i] = v;
            }
        }
        return out;
    }

    /**
     * Relative output error of {@code approx} against {@code w} (both rows × columns, row-major) under {@code hm}:
     * Σ_r δ_rᵀ H δ_r / Σ_r w_rᵀ H w_r, with the products H·δ_r, H·w_r on the float matmul kernel.
     */
    static double relativeError(double[] hm, int cols, float[] w, float[] approx, int rows) {
        float[] hf = new float[cols * cols];
        for (int i = 0; i < hf.length; i++) hf[i] = (float) hm[i];
        float[] delta = new float[rows * cols];
        for (int i = 0; i < delta.length; i++) delta[i] = w[i] - approx[i];
        double num = quadraticForms(hf, cols, delta, rows);
        double den = quadraticForms(hf, cols, w, rows);
        return den > 0 ? num / den : (num == 0 ? 0 : Double.POSITIVE_INFINITY);
    }

    /** Σ_r v_rᵀ H v_r over the rows of v. */
    private static double quadraticForms(float[] h, int cols, float[] v, int rows) {
        float[] hv = FloatMatmul.multiplyTransposed(h, cols, cols, v, rows);
        double s = 0;
        for (int i = 0; i < hv.length; i++) s += (double) v[i] * hv[i];
        return s;
    }
}
