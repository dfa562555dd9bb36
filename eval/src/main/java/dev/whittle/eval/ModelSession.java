package dev.whittle.eval;

/**
 * A stateful inference session over one KV cache. Perplexity and KLD use {@link #logits}; latency uses
 * {@link #prefill} then {@link #decode}.
 */
public interface ModelSession extends AutoCloseable {

    /**
     * Runs {@code tokens} as one batched prefill from an empty cache (the session is reset first) and
     * returns the logits of positions {@code firstOutput .. tokens.length-1}, flat and row-major:
     * {@code [(tokens.length - firstOutput) × vocabSize]}. Position {@code j}'s row is the causal
     * prediction of token {@code j+1}. Skipping the rows before {@code firstOutput} lets the engine skip
     * their output head, which is most of the cost for large vocabularies.
     */
    float[] logits(int[] tokens, int firstOutput);

    /** All positions' logits: {@code logits(tokens, 0)}. */
    default float[] logits(int[] tokens) {
        return logits(tokens, 0);
    }

    /**
     * Resets the cache, prefills {@code tokens} in one batch and returns the last position's logits
     * ({@code vocabSize} floats), i.e. the distribution of the first generated token.
     */
    float[] prefill(int[] tokens);

    /** Appends one token at the next position and returns its logits ({@code vocabSize} floats). */
    float[] decode(int token);

    /** Empties the KV cache; the next call starts at position 0. */
    void reset();

    /** Frees the session's buffers. */
    @Override
    void close();
}
