package dev.whittle.quantize;

import dev.whittle.engine.kernel.OuterProductGemm;

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
    /** Columns per tile of the triangle: two 128-column panels of a 1024-token chunk (1 MB) stay in L2. */
    private static final int TILE = 128;

    private boolean spent;

    /**
     * Adds {@code count} input rows of length {@link #columns()} from {@code x} (row-major): each chunk of rows
     * becomes one float product Xᵀ·X on the engine's matmul kernel (as the reference accumulates in float32 on the
     * GPU), summed across chunks in double. Only the upper triangle is computed, tile by tile.
     */
    public void add(float[] x, int count) {
        if ((long) count * n > x.length) throw new IllegalArgumentException(count + " rows of " + n + " overrun " + x.length);
        if (spent) throw new IllegalStateException("Hessian already turned into its matrix");
        int tiles = (n + TILE - 1) / TILE;
        int pairs = tiles * (tiles + 1) / 2;
        for (int from = 0; from < count; from += CHUNK) {
            int m = Math.min(CHUNK, count - from);
            final int first = from;
            IntStream.range(0, pairs).parallel().forEach(pair -> addTile(x, first, m, tiles, pair));
        }
        rows += count;
    }

    /** One tile (bi, bj), bi ≤ bj, of the upper triangle: rows bi·TILE.., columns bj·TILE.. of XᵀX added to h. */
    private void addTile(float[] x, int from, int m, int tiles, int pair) {
        int bi = 0;
        int left = pair;
        while (left >= tiles - bi) {
            left -= tiles - bi;
            bi++;
        }
        int bj = bi + left;
        int i0 = bi * TILE, j0 = bj * TILE;
        int ri = Math.min(TILE, n - i0), rj = Math.min(TILE, n - j0);
        float[] g = new float[ri * rj];
        // A(i, t) = x[t, i0 + i] read down the columns of the chunk, B = the chunk's columns j0.. as rows of length rj
        OuterProductGemm.multiply(x, from * n + i0, 1, n, x, from * n + j0, n, g, 0, rj, ri, rj, m, false);
        for (int i = 0; i < ri; i++) {
            int base = (i0 + i) * n + j0;
            for (int j = bi == bj ? i : 0; j < rj; j++) h[base + j] += g[i * rj + j];
        }
    }

    /** The matrix 2/N Σ x xᵀ, full and symmetric, as a new row-major array. */
    public double[] matrix() {
        double[] out = h.clone();
        finish(out);
        return out;
    }

    /**
     * The matrix 2/N Σ x xᵀ built in the accumulator's own array, which saves a copy (250 MB at 5632 columns);
     * the accumulator takes no more rows afterwards.
     */
    double[] toMatrix() {
        if (spent) throw new IllegalStateException("Hessian already turned into its matrix");
        spent = true;
        finish(h);
        return h;
    }

    private void finish(double[] m) {
        double f = rows == 0 ? 0 : 2.0 / rows;
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double v = m[i * n + j] * f;
                m[i * n + j] = v;
                m[j * n + i] = v;
            }
        }
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
