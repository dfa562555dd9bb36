package dev.whittle.datasets;

import java.util.List;

/**
 * Evaluation or calibration text, seen two ways.
 * <ul>
 *   <li>{@link #wholeText()}: one string, llama.cpp style ({@code llama-perplexity -f wiki.test.raw} tokenizes
 *       the raw file as it is).</li>
 *   <li>{@link #rows()}: a list of rows, the HuggingFace {@code datasets} view used by the GPTQ, AWQ and Wanda
 *       code, which evaluates on {@code "\n\n".join(rows)} ({@link #joinedRows()}).</li>
 * </ul>
 * What a row is depends on the format; see each implementation.
 */
public interface TextSource {
    /** A short name for messages and records (dataset name or file name). */
    String name();

    /** The text as one string. For sources that are only rows, the rows joined with "\n\n". */
    String wholeText();

    /** The rows, in order. */
    List<String> rows();

    /** The rows joined with "\n\n", as GPTQ/AWQ/Wanda build their evaluation text. */
    default String joinedRows() {
        return String.join("\n\n", rows());
    }
}
