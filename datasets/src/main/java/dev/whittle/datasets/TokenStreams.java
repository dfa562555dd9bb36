package dev.whittle.datasets;

import dev.whittle.core.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/** Token views of a {@link TextSource}. Ids never include BOS/EOS; chunking adds BOS where asked. */
public final class TokenStreams {
    private TokenStreams() {}

    /** The whole text as one stream (llama.cpp perplexity style). */
    public static int[] wholeText(TextSource source, Tokenizer tokenizer, Tokenization mode) {
        return mode.encode(tokenizer, source.wholeText());
    }

    /** The rows joined with "\n\n" as one stream (GPTQ/AWQ/Wanda evaluation style). */
    public static int[] joinedRows(TextSource source, Tokenizer tokenizer, Tokenization mode) {
        return mode.encode(tokenizer, source.joinedRows());
    }

    /** The chosen view of the text as one stream. */
    public static int[] of(TextSource source, TextView view, Tokenizer tokenizer, Tokenization mode) {
        return mode.encode(tokenizer, view.of(source));
    }

    /** Each row tokenized on its own (empty rows give empty arrays). */
    public static List<int[]> eachRow(TextSource source, Tokenizer tokenizer) {
        List<int[]> out = new ArrayList<>();
        for (String row : source.rows()) {
            out.add(row.isEmpty() ? new int[0] : tokenizer.encode(row));
        }
        return out;
    }

    /**
     * The documents calibration samples from: each row on its own if the dataset's rows are documents (C4), else
     * the whole text as a single document.
     */
    public static List<int[]> documents(ResolvedDataset dataset, Tokenizer tokenizer, Tokenization mode) {
        if (dataset.dataset().rowsAreDocuments()) {
            return eachRow(dataset.source(), tokenizer);
        }
        return List.of(wholeText(dataset.source(), tokenizer, mode));
    }
}
