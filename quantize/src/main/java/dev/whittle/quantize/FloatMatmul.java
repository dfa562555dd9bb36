package dev.whittle.quantize;

import dev.whittle.engine.kernel.OuterProductGemm;

import java.util.stream.IntStream;

/**
 * Float matrix products for the calibration math (layer forwards, Hessians, output errors) on the engine's
 * outer-product GEMM: {@code out[t·rows + r] = Σ_k A[r, k] · B[t, k]}, both operands row-major with k contiguous.
 * The GEMM wants A transposed (k × rows, the output's columns contiguous); the last few transposes are kept, by
 * identity of the array, because a calibration pass multiplies the same weight once per chunk of tokens.
 */
final class FloatMatmul {
    private static final int THREADS = Runtime.getRuntime().availableProcessors();
    /** Transposed weights kept: q, k, v (or gate, up) alternate within a pass. */
    private static final int CACHED = 4;
    private static final Object[] KEYS = new Object[CACHED];
    private static final float[][] VALUES = new float[CACHED][];

    private FloatMatmul() {}

    /** {@code out[t·rows + r] = Σ_k a[r·k + k'] · b[t·k + k']} for t < n, r < rows; returns out (n × rows). */
    static float[] multiplyTransposed(float[] a, int rows, int k, float[] b, int n) {
        if ((long) rows * k > a.length || (long) n * k > b.length) {
            throw new IllegalArgumentException("operands " + a.length + ", " + b.length + " too short for " + rows + "x" + k + " by " + n + "x" + k);
        }
        float[] at = transposedOf(a, rows, k);
        float[] out = new float[Math.multiplyExact(n, rows)];
        int parts = Math.max(1, Math.min(THREADS, n / 4));
        IntStream.range(0, parts).parallel().forEach(part -> {
            int t0 = (int) ((long) n * part / parts), t1 = (int) ((long) n * (part + 1) / parts);
            if (t1 > t0) OuterProductGemm.multiply(b, t0 * k, k, 1, at, 0, rows, out, t0 * rows, rows, t1 - t0, rows, k, false);
        });
        return out;
    }

    private static synchronized float[] transposedOf(float[] a, int rows, int k) {
        for (int i = 0; i < CACHED; i++) {
            if (KEYS[i] == a && VALUES[i].length == rows * k) {
                float[] hit = VALUES[i];
                // move to the front
                System.arraycopy(KEYS, 0, KEYS, 1, i);
                System.arraycopy(VALUES, 0, VALUES, 1, i);
                KEYS[0] = a;
                VALUES[0] = hit;
                return hit;
            }
        }
        float[] t = transpose(a, 0, rows, k);
        System.arraycopy(KEYS, 0, KEYS, 1, CACHED - 1);
        System.arraycopy(VALUES, 0, VALUES, 1, CACHED - 1);
        KEYS[0] = a;
        VALUES[0] = t;
        return t;
    }

    /** Forgets the kept transposes (a layer is done; its weights may be garbage). */
    static synchronized void forget() {
        java.util.Arrays.fill(KEYS, null);
        java.util.Arrays.fill(VALUES, null);
    }

    /** The transpose of an n × cols row-major block of {@code x} starting at row {@code from}: cols × n, in 32 × 32 tiles. */
    static float[] transpose(float[] x, int from, int n, int cols) {
        float[] t = new float[Math.multiplyExact(n, cols)];
        for (int r0 = 0; r0 < n; r0 += 32) {
            int r1 = Math.min(n, r0 + 32);
            for (int c0 = 0; c0 < cols; c0 += 32) {
                int c1 = Math.min(cols, c0 + 32);
                for (int r = r0; r < r1; r++) {
                    int src = (from + r) * cols;
                    for (int c = c0; c < c1; c++) t[c * n + r] = x[src + c];
                }
            }
        }
        return t;
    }
}
