package dev.whittle.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain UTF-8 text file (TinyStories, tiny shakespeare).
 * <p>Whole text: the file as it is.
 * <p>Rows: paragraphs, i.e. runs of non-blank lines separated by one or more blank (whitespace-only) lines, each
 * joined with "\n" and without a trailing newline. For TinyStories that is one story per row; for tiny
 * shakespeare one speech per row. (This is whittle's choice; HuggingFace's generic "text" loader would give one
 * row per line instead.)
 */
public final class PlainTextSource implements TextSource {
    private final String name;
    private final String text;
    private List<String> rows;

    public PlainTextSource(String name, String text) {
        this.name = name;
        this.text = text;
    }

    public static PlainTextSource read(Path file) {
        return new PlainTextSource(file.getFileName().toString(), TextFiles.readUtf8(file));
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
            StringBuilder paragraph = new StringBuilder();
            for (String line : PythonText.fileLines(text)) {
                if (PythonText.isBlank(line)) {
                    flush(paragraph, out);
                } else {
                    if (!paragraph.isEmpty()) {
                        paragraph.append('\n');
                    }
                    paragraph.append(line.endsWith("\n") ? line.substring(0, line.length() - 1) : line);
                }
            }
            flush(paragraph, out);
            rows = List.copyOf(out);
        }
        return rows;
    }

    private static void flush(StringBuilder paragraph, List<String> out) {
        if (!paragraph.isEmpty()) {
            out.add(paragraph.toString());
            paragraph.setLength(0);
        }
    }
}
