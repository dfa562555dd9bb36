/**
 * Evaluation text and calibration data: perplexity texts (WikiText-2, TinyStories, tiny shakespeare) and
 * calibration samples (C4) for GPTQ, AWQ and Wanda.
 *
 * <h2>Text</h2>
 * A {@link dev.whittle.datasets.TextSource} gives either the whole text (llama.cpp evaluates the raw file as one
 * string) or rows (the HuggingFace {@code datasets} view the GPTQ/AWQ/Wanda code joins with "\n\n"); see
 * {@link dev.whittle.datasets.TextView}. For WikiText the rows are exactly HuggingFace's wikitext-2-raw-v1 rows:
 * one per line of the raw file with its "\n", whitespace-only lines as "" (4358 test rows, 3760 validation rows),
 * so the joined text is <em>not</em> the raw file and the two conventions give different perplexities.
 *
 * <h2>Named datasets</h2>
 * {@link dev.whittle.datasets.DatasetRegistry} maps names to files under a data directory
 * ({@link dev.whittle.datasets.DataDirectory}: {@code --data-dir}, else {@code $WHITTLE_DATA}, else
 * {@code ~/.cache/whittle/datasets}) with their SHA-256; {@link dev.whittle.datasets.DatasetPuller} downloads
 * the pullable ones and verifies them; {@link dev.whittle.datasets.Datasets#list} is {@code whittle datasets list}.
 *
 * <h2>Tokens</h2>
 * {@link dev.whittle.datasets.Tokenization#WHOLE} (default) tokenizes the whole text in one call, as llama.cpp
 * does; {@link dev.whittle.datasets.Tokenization#pieces} trades a documented boundary effect for speed with slow
 * tokenizers. {@link dev.whittle.datasets.TokenChunks} cuts a stream into n_ctx windows (non-overlapping or
 * strided, BOS none/prepended/llama.cpp-style replaced). {@link dev.whittle.datasets.CalibrationSampler} draws
 * seeded, JVM-independent calibration sets ({@link dev.whittle.datasets.CalibrationStyle#GPTQ} by default).
 */
package dev.whittle.datasets;
