package dev.whittle.datasets;

/**
 * One evaluation window.
 *
 * @param index       the chunk's number, from 0
 * @param streamStart the stream index of the first stream token in the window (with {@link BosPolicy#PREPEND} it
 *                    is at {@code tokens[1]}; with {@link BosPolicy#REPLACE_FIRST} it is the one BOS overwrote)
 * @param newFrom     the index in {@code tokens} of the first stream token no earlier chunk contained: 0 (or 1
 *                    after a prepended BOS) for the first chunk and for non-overlapping chunks, larger with a
 *                    stride below the window; strided perplexity scores only the targets from here on
 * @param tokens      exactly nCtx ids
 */
public record Chunk(int index, int streamStart, int newFrom, int[] tokens) {
}
