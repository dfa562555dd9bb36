package dev.whittle.engine.kernel;

/**
 * The order a thread reads its weight rows in for one token or a few: its range as equal segments side by side,
 * row i of every segment in turn, then the rows left over in order. Rows are independent, so the order changes no
 * result. The L2 prefetcher follows one stream per 4 KiB page: one stream, or four adjacent 1152-byte rows sharing
 * pages, left it few lines in flight, and decode ran at about half the speed the arithmetic allows. MatmulProbe
 * over a whole tinyllama-shape file (0.6 to 1.1 GB, far beyond cache), 1 thread, GB/s of weights for 1 / 4 / 8
 * streams: Q4_0 5.9 / 10.5 / 11.8, Q8_0 6.9 / 10.8 / 12.5, Q4_K 5.9 / 7.2 / 7.2. Whole decode, tinyllama shape, 2
 * threads, tg32 before and after: Q4_0 17.3 → 29.3 tok/s, Q8_0 12.7 → 19.6, Q4_K 18.0 → 20.1, F16 7.3 → 8.4.
 */
public final class RowStreams {
    /** Segments read side by side, by default. */
    public static final int STREAMS = 8;

    private RowStreams() {}

    /**
     * The i-th row to read of a range from {@code rowStart} read as {@code streams} segments of {@code perStream}
     * rows (the range's length divided by {@code streams}): row i / streams of segment i % streams while whole
     * segments last, then the rest in order.
     */
    public static int row(int rowStart, int i, int streams, int perStream) {
        return i < streams * perStream ? rowStart + (i % streams) * perStream + i / streams : rowStart + i;
    }
}
