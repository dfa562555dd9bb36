package dev.whittle.datasets;

/** Which text of a {@link TextSource} is evaluated; the two conventions give different perplexities. */
public enum TextView {
    /** The raw text as one string: llama.cpp's {@code llama-perplexity -f wiki.test.raw}. */
    WHOLE_TEXT,
    /** The rows joined with "\n\n": GPTQ, AWQ, Wanda and most papers (HuggingFace {@code datasets} rows). */
    JOINED_ROWS;

    public String of(TextSource source) {
        return switch (this) {
            case WHOLE_TEXT -> source.wholeText();
            case JOINED_ROWS -> source.joinedRows();
        };
    }
}
