package dev.whittle.datasets;

/** How calibration sequences are drawn. */
public enum CalibrationStyle {
    /**
     * GPTQ's reference (also used by Wanda and SparseGPT): for each sample pick a random document among those with at
     * least L tokens, then a random window of L tokens inside it. The reference draws documents uniformly and
     * retries until one has more than L tokens, then a start in [0, len - L - 1]; whittle picks uniformly among the
     * eligible documents directly (the same distribution, without a retry loop that could spin forever) and allows
     * a document of exactly L tokens and the last window (start in [0, len - L]). A dataset that is one stream has
     * one document, so this is a random window anywhere in it.
     */
    GPTQ,
    /**
     * AWQ's reference: shuffle the documents, concatenate them, and cut the concatenation into consecutive blocks of
     * L tokens; the first N blocks are the samples. (AWQ also skips documents longer than its block size; whittle
     * keeps them.) With a single-stream dataset this is simply the first N*L tokens, whatever the seed.
     */
    AWQ
}
