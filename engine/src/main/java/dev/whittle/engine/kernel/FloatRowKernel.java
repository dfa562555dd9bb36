package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;

import java.lang.foreign.MemorySegment;

/**
 * Base of the vector kernels that decode weights into float lanes and FMA them with float activations.
 * It owns the loop nest, in three regimes:
 * <ul>
 *   <li>one token: {@link #dot1} per row, or {@link #dot1Rows4} over rows of {@link #rowStreams} segments read side
 *       by side (same results);</li>
 *   <li>2-5 tokens: rows in the single token's stream order, each row against every token while it is in cache,
 *       four tokens sharing each decoded weight vector ({@link #dot4}, same lane order and FMA sequence as
 *       {@link #dot1}, so these outputs equal the single-token ones bit for bit);</li>
 *   <li>{@link DecodedRowGemm#MIN_TOKENS} (6) tokens or more: {@link #panelMultiply} decodes panels of weight rows
 *       to floats once and runs {@link PanelGemm} over every token, whose order differs from {@link #dot1}'s in the
 *       last bits.</li>
 * </ul>
 * Threads split rows only, and every output's order is fixed within a regime, so results never depend on the
 * thread count.
 */
abstract class FloatRowKernel implements LinearKernel {
    /**
     * Streams for this kernel's rows ({@link RowStreams}), a multiple of 4: {@link RowStreams#STREAMS}; or 1 for
     * four adjacent rows at a time, which suits rows that span whole pages themselves (F32).
     */
    int rowStreams() {
        return RowStreams.STREAMS;
    }

    private final DType type;

    FloatRowKernel(DType type) {
        this.type = type;
    }

    @Override
    public final boolean supports(DType dtype) {
        return dtype == type;
    }

    @Override
    public final PreparedInput prepare(DType weightType, float[] x, int n, int cols) {
        KernelChecks.checkPrepare(this, weightType, x, n, cols);
        return n >= DecodedRowGemm.MIN_TOKENS ? new PanelInput(x, n, cols, DecodedRowGemm.pack(x, n, cols)) : prepared(x, n, cols);
    }

    /** Activations for the panel path: the floats plus their transpose, built once and shared by all threads. */
    record PanelInput(float[] floats, int n, int cols, DecodedRowGemm.Activations packed) implements PreparedInput {}

    /** The activations as the dot products want them; kernels that precompute something per matmul override it. */
    PreparedInput prepared(float[] x, int n, int cols) {
        return new FloatInput(x, n, cols);
    }

    @Override
    public final void multiply(DType weightType, MemorySegment weights, int rows, int cols, PreparedInput in,
                               float[] out, int rowStart, int rowEnd) {
        long rowBytes = KernelChecks.checkMultiply(this, weightType, weights, rows, cols, in, out, rowStart, rowEnd);
        int n = in.n();
        if (n == 1) {
            int streams = rowStreams();
            int r = rowStart;
            if (streams == 1) {
                for (; r + 4 <= rowEnd; r += 4) dot1Rows4(weights, r * rowBytes, rowBytes, cols, in, out, r, 1);
            } else {
                // equal segments of the range, read side by side: row i of every segment in turn
                int perStream = (rowEnd - rowStart) / streams;
                long streamBytes = perStream * rowBytes;
                for (int i = 0; i < perStream; i++) {
                    for (int s = 0; s < streams; s += 4) {
                        int first = rowStart + s * perStream + i;
                        dot1Rows4(weights, first * rowBytes, streamBytes, cols, in, out, first, perStream);
                    }
                }
                r += streams * perStream;
            }
            for (; r < rowEnd; r++) out[r] = dot1(weights, r * rowBytes, cols, in, 0);
            return;
        }
        if (n >= DecodedRowGemm.MIN_TOKENS) {
            panelMultiply(weights, rowBytes, rows, cols, ((PanelInput) in).packed(), out, rowStart, rowEnd);
            return;
        }
        // a few tokens: rows in the same stream order as one token's (the prefetcher), every token of a row while
        // the row is in cache
        int streams = rowStreams(), perStream = (rowEnd - rowStart) / streams;
        for (int i = 0; i < rowEnd - rowStart; i++) {
            fewTokens(weights, rowBytes, rows, cols, in, out, RowStreams.row(rowStart, i, streams, perStream));
        }
    }

    /** Row r against every token of a small batch: four at a time through {@link #dot4}, the rest one by one. */
    private void fewTokens(MemorySegment w, long rowBytes, int rows, int cols, PreparedInput in, float[] out, int r) {
        long off = r * rowBytes;
        int n = in.n(), t = 0;
        for (; t + 4 <= n; t += 4) dot4(w, off, cols, in, t, out, t * rows + r, rows);
        for (; t < n; t++) out[t * rows + r] = dot1(w, off, cols, in, t);
    }

    /** Dot product of the weight row at {@code rowOff} with token {@code token} of the prepared input. */
    abstract float dot1(MemorySegment w, long rowOff, int cols, PreparedInput in, int token);

    /**
     * One token against four rows {@code rowStride} bytes apart, results to {@code out[r + k * outStride]} for
     * k = 0..3; each must equal {@link #dot1} of its row bit for bit. Kernels override it to read the four rows
     * together, sharing the activation loads; this default takes them in pairs ({@link #dot1Rows2}).
     */
    void dot1Rows4(MemorySegment w, long rowOff, long rowStride, int cols, PreparedInput in, float[] out, int r,
                   int outStride) {
        dot1Rows2(w, rowOff, rowOff + rowStride, cols, in, out, r, outStride);
        dot1Rows2(w, rowOff + 2 * rowStride, rowOff + 3 * rowStride, cols, in, out, r + 2 * outStride, outStride);
    }

    /**
     * One token against the rows at {@code ra} and {@code rb}, results to {@code out[r]} and
     * {@code out[r + outStride]}, each equal to {@link #dot1} of its row bit for bit. Kernels whose body has room
     * for two rows but not four override it; this default reads them one after the other.
     */
    void dot1Rows2(MemorySegment w, long ra, long rb, int cols, PreparedInput in, float[] out, int r, int outStride) {
        out[r] = dot1(w, ra, cols, in, 0);
        out[r + outStride] = dot1(w, rb, cols, in, 0);
    }

    /**
     * Four tokens from {@code token} of the prepared input; results to {@code out[outOff + k * outStride]}, each
     * equal to {@link #dot1} of its token bit for bit.
     */
    abstract void dot4(MemorySegment w, long rowOff, int cols, PreparedInput in, int token, float[] out, int outOff,
                       int outStride);

    /**
     * Prefill for many tokens ({@link DecodedRowGemm}): each panel of weight rows is decoded to floats once and
     * multiplied with every token by {@link PanelGemm}, so the decode cost is spread over all n tokens instead of
     * four. Each output is PanelGemm's single fma chain (independent of the split over rows or threads), which
     * differs from {@link #dot1}'s order in the last bits: batched and single-token results agree to float
     * rounding.
     */
    private void panelMultiply(MemorySegment w, long rowBytes, int rows, int cols, DecodedRowGemm.Activations x,
                               float[] out, int rowStart, int rowEnd) {
        DecodedRowGemm.multiply((r, dst, off) -> decodeRow(w, r * rowBytes, cols, dst, off), rows, x, out, rowStart, rowEnd);
    }

    /** Decodes one weight row of {@code cols} elements into {@code dst[dstOff ..]}. */
    void decodeRow(MemorySegment w, long rowOff, int cols, float[] dst, int dstOff) {
        int bs = type.blockSize();
        long bb = type.blockBytes();
        for (int b = 0; b < cols / bs; b++) decodeBlock(w, rowOff + b * bb, dst, dstOff + b * bs);
    }

    /** Decodes the block at {@code off} (the dtype's block size elements) exactly as the format defines it. */
    abstract void decodeBlock(MemorySegment w, long off, float[] dst, int dstOff);
}
