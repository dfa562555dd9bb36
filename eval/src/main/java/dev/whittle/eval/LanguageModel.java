package dev.whittle.eval;

/**
 * What evaluation needs from a causal language model. The engine adapts its transformer to this;
 * tests use small table models. Kept minimal so perplexity/KLD/latency code does not depend on
 * engine internals.
 */
public interface LanguageModel {

    /** Number of logits per position (the output width, which may exceed the tokenizer's vocab). */
    int vocabSize();

    /** Whether the tokenizer prepends BOS to a text (llama.cpp's {@code add_bos}). */
    boolean addsBos();

    /** The BOS token id; only meaningful when {@link #addsBos()}. */
    int bosId();

    /** Largest number of positions one session can hold (the KV cache capacity). */
    int maxContext();

    /**
     * Opens a session with its own KV cache, running on {@code threads} threads. One session is used by
     * one thread of the caller at a time.
     */
    ModelSession openSession(int threads);
}
