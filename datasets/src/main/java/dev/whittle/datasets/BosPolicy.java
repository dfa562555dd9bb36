package dev.whittle.datasets;

/** Whether each evaluation chunk starts with BOS. */
public enum BosPolicy {
    /** Chunks are plain slices of the stream. */
    NONE,
    /** BOS, then nCtx - 1 stream tokens: every chunk is still nCtx long. */
    PREPEND,
    /**
     * llama.cpp perplexity: the chunk is nCtx stream tokens and its first one is overwritten with BOS (that stream
     * token is never seen).
     */
    REPLACE_FIRST
}
