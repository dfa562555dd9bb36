package dev.whittle.engine.kernel;

/**
 * Prefill for many tokens over weight rows decoded to floats by the caller: each panel of {@link PanelGemm#PANEL_ROWS}
 * rows is decoded once and multiplied with every token by the register-blocked {@link PanelGemm}. The GGUF block
 * kernels ({@link FloatRowKernel}) and formats outside them (compressed-tensors integers) share this loop.
 * Results follow {@link PanelGemm}'s contract: they do not depend on how threads split the rows.
 */
public final class DecodedRowGemm {
    /**
     * Tokens from which decoding rows to floats once pays for itself, against the kernels' fused decode-and-multiply
     * for a few tokens. Whole prompts, tinyllama shape, 2 threads, tok/s with the threshold at 16 / at 2: Q4_0 pp4
     * 32.6 / 21.9, pp5 27.8 / 28.1, pp6 27.7 / 33.3, pp8 31.0 / 40.6, pp12 33.0 / 60.9; Q4_K pp4 35.9 / 21.9, pp6
     * 28.6 / 30.4; F32 pp4 11.2 / 14.2, pp6 14.8 / 22.6; compressed-tensors INT4 pp6 21.3 / 27.6, pp8 23.9 / 31.2.
     */
    public static final int MIN_TOKENS = 6;

    private DecodedRowGemm() {}

    /** Decodes weight row {@code row} ({@code cols} floats) into {@code dst[off ..]}. */
    @FunctionalInterface
    public interface RowDecoder {
        void decode(int row, float[] dst, int off);
    }

    /** Activations packed for the GEMM: built once per matmul, shared (read-only) by every thread. */
    public static final class Activations {
        final PanelGemm.Transposed packed;

        private Activations(PanelGemm.Transposed packed) {
            this.packed = packed;
        }

        public int n() {
            return packed.n();
        }

        public int cols() {
            return packed.cols();
        }
    }

    /**
     * Each thread's decoded panel and output tile, kept between calls: allocating them per call (a matmul makes
     * several, one per chunk of rows) cleared up to 1 MiB each time.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        private float[][] panel = new float[PanelGemm.PANEL_ROWS][0];
        private float[] ct = new float[0];

        /** {@link PanelGemm#PANEL_ROWS} rows of at least {@code cols} floats (stale values past what is decoded). */
        float[][] panel(int cols) {
            if (panel[0].length < cols) panel = new float[PanelGemm.PANEL_ROWS][cols];
            return panel;
        }

        float[] ct(int size) {
            if (ct.length < size) ct = new float[size];
            return ct;
        }
    }

    /** Packs n tokens of {@code cols} activations, x being [n × cols] row-major. */
    public static Activations pack(float[] x, int n, int cols) {
        if (x.length < (long) n * cols) throw new IllegalArgumentException("activations hold " + x.length + " floats, need " + (long) n * cols);
        return new Activations(PanelGemm.transpose(x, n, cols));
    }

    /**
     * {@code out[t * rows + r] = row(r) · x[t]} for every token and rows [rowStart, rowEnd) of a matrix of
     * {@code rows} rows, decoding each row through {@code decoder} once.
     */
    public static void multiply(RowDecoder decoder, int rows, Activations x, float[] out, int rowStart, int rowEnd) {
        PanelGemm.Transposed xt = x.packed;
        int cols = xt.cols(), stride = xt.stride(), n = xt.n();
        Scratch scratch = SCRATCH.get();
        float[][] panel = scratch.panel(cols);
        float[] ct = scratch.ct(PanelGemm.PANEL_ROWS * stride);
        for (int r0 = rowStart; r0 < rowEnd; r0 += PanelGemm.PANEL_ROWS) {
            int pr = Math.min(PanelGemm.PANEL_ROWS, rowEnd - r0);
            for (int k = 0; k < pr; k++) decoder.decode(r0 + k, panel[k], 0);
            PanelGemm.multiply(panel, pr, cols, xt, ct);
            // token-major so the writes run along out's rows; the strided reads stay within ct, which is in L1
            for (int t = 0; t < n; t++) {
                int dst = t * rows + r0;
                for (int k = 0; k < pr; k++) out[dst + k] = ct[k * stride + t];
            }
        }
    }
}
