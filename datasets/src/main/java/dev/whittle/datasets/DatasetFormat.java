package dev.whittle.datasets;

import java.nio.file.Path;

/** How a dataset file is read into a {@link TextSource}. */
public enum DatasetFormat {
    /** Plain UTF-8 text; rows are blank-line separated paragraphs ({@link PlainTextSource}). */
    PLAIN_TEXT,
    /** A WikiText {@code .raw} file; rows are the HuggingFace wikitext rows ({@link WikiTextSource}). */
    WIKITEXT_RAW,
    /** JSON lines; rows are one string field of each line ({@link JsonLinesSource}). */
    JSON_LINES;

    /** Reads the file; {@code jsonField} is used only by {@link #JSON_LINES}. */
    public TextSource open(Path file, String jsonField) {
        return switch (this) {
            case PLAIN_TEXT -> PlainTextSource.read(file);
            case WIKITEXT_RAW -> WikiTextSource.read(file);
            case JSON_LINES -> JsonLinesSource.read(file, jsonField);
        };
    }
}
