package dev.whittle.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A WikiText raw file ({@code wiki.test.raw} etc.).
 * <p>Whole text: the raw file, byte for byte (what llama.cpp evaluates).
 * <p>Rows: what HuggingFace {@code load_dataset("wikitext", "wikitext-2-raw-v1")} gives. Its builder iterates
 * the raw file line by line in Python text mode and yields every line, keeping its trailing "\n", except that a
 * line that is only whitespace (in WikiText always {@code " \n"}) becomes the empty string "". So the test split
 * has 4358 rows = the 4358 lines of {@code wiki.test.raw}, row 0 is "", row 1 is {@code " = Robert Boulter = \n"}.
 * Consequently {@code "\n\n".join(rows)} (GPTQ's evaluation text) is not the raw file: every line is followed by
 * an extra "\n\n" and blank lines lose their space.
 */
public final class WikiTextSource implements TextSource {
    private final String name;
    private final String text;
    private List<String> rows;

    public WikiTextSource(String name, String rawText) {
        this.name = name;
        this.text = rawText;
    }

    public static WikiTextSource read(Path file) {
        return new WikiTextSource(file.getFileName().toString(), TextFiles.readUtf8(file));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String wholeText() {
        return text;
    }

    @Override
    public synchronized List<String> rows() {
        if (rows == null) {
            List<String> out = new ArrayList<>();
            for (String line : PythonText.fileLines(text)) {
                out.add(PythonText.isBlank(line) ? "" : line);
            }
            rows = List.copyOf(out);
        }
        return rows;
    }
}
