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

    /** Adds {@code count} input rows of length {@link #columns()} from {@code x} (row-major). */
    public void add(float[] x, int count) {
        if ((long) count * n > x.length) throw new IllegalArgumentException(count + " rows of " + n + " overrun " + x.length);
        IntStream.range(0, n).parallel().forEach(i -> {
            int base = i * n;
            for (int t = 0; t < count; t++) {
                double xi = x[t * n + i];
                if (xi == 0) continue;
                int off = t * n;
                for (int j = i; j < n; j++) h[base + j] += xi * x[off + j];
            }
        });
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

    /** Relative output error of {@code approx} against {@code w} (both rows × columns, row-major) under {@code hm}. */
    static double relativeError(double[] hm, int cols, float[] w, float[] approx, int rows) {
        double[] num = new double[rows];
        double[] den = new double[rows];
        IntStream.range(0, rows).parallel().forEach(r -> {
            double a = 0;
            double b = 0;
            int off = r * cols;
            for (int i = 0; i < cols; i++) {
                double di = w[off + i] - approx[off + i];
                double wi = w[off + i];
                double si = 0;
                double ti = 0;
                int hb = i * cols;
                for (int j = 0; j < cols; j++) {
                    double hv = hm[hb + j];
                    si += hv * (w[off + j] - approx[off + j]);
                    ti += hv * w[off + j];
                }
                a += di * si;
                b += wi * ti;
            }
            num[r] = a;
            den[r] = b;
        });
        double s = 0;
        double t = 0;
        for (int r = 0; r < rows; r++) {
            s += num[r];
            t += den[r];
        }
        return t > 0 ? s / t : (s == 0 ? 0 : Double.POSITIVE_INFINITY);
    }
}
