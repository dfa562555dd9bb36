/**
 * Tokenizers behind one {@link dev.whittle.core.tokenizer.Tokenizer} interface (encode never adds BOS/EOS).
 * <ul>
 *   <li>{@link dev.whittle.core.tokenizer.GgufTokenizers#fromGguf} builds the vocabulary embedded in a GGUF file with
 *       llama.cpp's semantics: {@link dev.whittle.core.tokenizer.SentencePieceBpeTokenizer} (model "llama"),
 *       {@link dev.whittle.core.tokenizer.Gpt2BpeTokenizer} with a {@link dev.whittle.core.tokenizer.PreTokenizer}
 *       chosen by {@code tokenizer.ggml.pre} (model "gpt2"), {@link dev.whittle.core.tokenizer.WordPieceTokenizer}
 *       (model "bert"). They pass llama.cpp's own test vectors.</li>
 *   <li>{@link dev.whittle.core.tokenizer.HfTokenizer} runs a HF tokenizer.json through the HF tokenizers library.</li>
 *   <li>{@link dev.whittle.core.tokenizer.TokenizerConversion} converts tokenizer.json ↔ GGUF tokenizer metadata.</li>
 *   <li>{@link dev.whittle.core.tokenizer.Tokenizers#load} picks the right one for a path.</li>
 * </ul>
 */
package dev.whittle.core.tokenizer;
