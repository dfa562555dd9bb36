package dev.whittle.eval;

import java.util.Locale;

/** Progress reporting for chunked evaluations, in llama-perplexity's {@code [chunk]ppl,} format. */
public final class ProgressLine {
    private ProgressLine() {
    }

    /** Called after every chunk with the running estimate. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param chunk      1-based number of the finished chunk
         * @param chunks     total number of chunks
         * @param runningPpl perplexity over all tokens scored so far
         */
        void chunkDone(int chunk, int chunks, double runningPpl);

        Listener NONE = (chunk, chunks, ppl) -> { };
    }

    /** One entry, e.g. {@code [3]12.3456,}. */
    public static String entry(int chunk, double ppl) {
        return String.format(Locale.ROOT, "[%d]%.4f,", chunk, ppl);
    }
}
