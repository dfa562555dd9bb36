package dev.whittle.datasets;

/**
 * How a token stream is cut into evaluation windows of exactly {@code nCtx} tokens. Windows start every
 * {@code stride} stream tokens; {@code stride} equal to {@link #contentLength()} gives non-overlapping chunks,
 * smaller gives the sliding windows of HuggingFace's strided perplexity. Only full windows are made (like
 * llama.cpp): stream tokens after the last full window are not covered.
 */
public record ChunkSpec(int nCtx, int stride, BosPolicy bos) {
    public ChunkSpec {
        if (bos == null) {
            throw new IllegalArgumentException("bos policy must not be null");
        }
        int minCtx = bos == BosPolicy.PREPEND ? 2 : 1;
        if (nCtx < minCtx) {
            throw new IllegalArgumentException("nCtx must be >= " + minCtx + " with BOS policy " + bos + ", got " + nCtx);
        }
        int content = nCtx - (bos == BosPolicy.PREPEND ? 1 : 0);
        if (stride < 1 || stride > content) {
            throw new IllegalArgumentException("stride must be in 1.." + content + " (stream tokens per chunk), got "
                    + stride);
        }
    }

    /** Back-to-back chunks: stride = {@link #contentLength()}. */
    public static ChunkSpec nonOverlapping(int nCtx, BosPolicy bos) {
        return new ChunkSpec(nCtx, nCtx - (bos == BosPolicy.PREPEND ? 1 : 0), bos);
    }

    /** Stream tokens covered by one chunk: nCtx, or nCtx - 1 when BOS is prepended. */
    public int contentLength() {
        return nCtx - (bos == BosPolicy.PREPEND ? 1 : 0);
    }

    /** Full windows in a stream of that length: 0 if shorter than one window, else 1 + (len - content) / stride. */
    public int count(int streamLength) {
        int content = contentLength();
        if (streamLength < content) {
            return 0;
        }
        return 1 + (streamLength - content) / stride;
    }
}
