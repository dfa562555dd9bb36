package dev.whittle.core.tokenizer;

/**
 * Text ↔ token ids. {@link #encode} never adds BOS/EOS: callers that want them add {@link #bosId()}
 * themselves, so every tokenizer is compared on the same footing as llama.cpp's test vectors.
 */
public interface Tokenizer {
    /** Token ids for the text, without BOS/EOS. */
    int[] encode(String text);

    /** The text of a sequence of ids (special tokens such as BOS/EOS omitted). */
    String decode(int[] ids);

    int vocabSize();

    /** -1 if the vocabulary has none. */
    int bosId();

    /** -1 if the vocabulary has none. */
    int eosId();

    /** A short name of the algorithm: "llama-spm", "gpt2-bpe", "bert-wordpiece", "hf-tokenizer.json". */
    String kind();
}
