package dev.whittle.engine.kernel;

/**
 * The prefill GEMM on decoded weight panels: {@code C[r, t] = Σ_p W[r, p] · X[t, p]} for a panel of weight rows
 * (row-major floats, as {@link FloatRowKernel#decodeRow} writes them) and every token of a prompt.
 *
 * <p>Form: the activations are transposed once per matmul ({@link Transposed}: X^T, tokens contiguous, shared by
 * all threads) so that {@link OuterProductGemm} can broadcast one weight per step into vectors of consecutive
 * tokens while the weights stay in the row layout the decoders produce. Transposing the weights instead (vectors
 * along rows) ran the micro-kernel a little faster (about 140 against 110 GFLOP/s, one core of this 2-FMA-port
 * Xeon) but the scalar transpose of every decoded panel cost as much as the products. Measured at m = 128
 * tokens, 2048 × 2016, one thread: about 110 GFLOP/s in the 6 × 4 micro-kernel and 86 overall with transposes and
 * panel copies, against 35-50 for the 4 × 4 dot-product tiles it replaced (whose sixteen horizontal sums per
 * tile, and 8 loads per 16 FMAs, kept them at a third of the FMA peak).
 *
 * <p>Contract (OuterProductGemm's): every output is one fused multiply-add chain over p in ascending order, so it
 * does not depend on panel size, blocking, token padding or how threads split the rows.
 */
final class PanelGemm {
    private static final int L = KernelSpecies.L;
    /** Decoded weight rows per panel: 48 × 5632 floats = 1 MiB, within L2. */
    static final int PANEL_ROWS = 48;

    private PanelGemm() {
    }

    /**
     * X^T: token t's element p at {@code xt[p * stride + t]}, with the token count rounded up to whole vectors
     * ({@code stride}); the padding tokens are zero and their outputs are never read.
     */
    record Transposed(float[] xt, int n, int stride) {}

    /** Transposes n rows of {@code cols} activations, in 16 × 64 tiles so both sides stay in cache. */
    static Transposed transpose(float[] x, int n, int cols) {
        int stride = (n + L - 1) / L * L;
        float[] xt = new float[cols * stride];
        for (int t0 = 0; t0 < n; t0 += 16) {
            int t1 = Math.min(n, t0 + 16);
            for (int p0 = 0; p0 < cols; p0 += 64) {
                int p1 = Math.min(cols, p0 + 64);
                for (int t = t0; t < t1; t++) {
                    int src = t * cols;
                    for (int p = p0; p < p1; p++) xt[p * stride + t] = x[src + p];
                }
            }
        }
        return new Transposed(xt, n, stride);
    }

    /**
     * {@code ct[r * x.stride() + t] = Σ_p panel[r * cols + p] · X[t, p]} for r < rows and every token, by
     * {@link OuterProductGemm} with the panel as A (a weight broadcast per step) and X^T as B (vectors of
     * tokens). {@code ct} needs {@code rows} rows of {@code x.stride()}.
     */
    static void multiply(float[] panel, int rows, int cols, Transposed x, float[] ct) {
        int stride = x.stride();
        OuterProductGemm.multiply(panel, 0, cols, 1, x.xt(), 0, stride, ct, 0, stride, rows, stride, cols, false);
    }
}
