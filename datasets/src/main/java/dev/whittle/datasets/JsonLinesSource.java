package dev.whittle.datasets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whittle.core.ModelFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON lines (one JSON object per line, e.g. C4's {@code {"text": ..., "url": ...}}), one row per non-empty line:
 * the string value of the chosen field. The whole text is the rows joined with "\n\n" (there is no raw text).
 * A line that is not a JSON object, or lacks the field as a string, is a {@link ModelFormatException} naming the
 * line.
 */
public final class JsonLinesSource implements TextSource {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final List<String> rows;

    private JsonLinesSource(String name, List<String> rows) {
        this.name = name;
        this.rows = List.copyOf(rows);
    }

    public static JsonLinesSource read(Path file, String field) {
        return parse(file, TextFiles.readUtf8(file), field);
    }

    /** Parses JSON-lines text; {@code file} is only used in error messages (may be null). */
    public static JsonLinesSource parse(Path file, String text, String field) {
        List<String> rows = new ArrayList<>();
        List<String> lines = PythonText.fileLines(text);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (PythonText.isBlank(line)) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new ModelFormatException(file, "line " + (i + 1) + ": not valid JSON: "
                        + e.getOriginalMessage().lines().findFirst().orElse(""));
            }
            if (node == null || !node.isObject()) {
                throw new ModelFormatException(file, "line " + (i + 1) + ": not a JSON object");
            }
            JsonNode value = node.get(field);
            if (value == null || !value.isTextual()) {
                throw new ModelFormatException(file, "line " + (i + 1) + ": field \"" + field + "\" "
                        + (value == null ? "is missing" : "is not a string"));
            }
            rows.add(value.textValue());
        }
        String name = file == null ? "json-lines" : file.getFileName().toString();
        return new JsonLinesSource(name, rows);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String wholeText() {
        return joinedRows();
    }

    @Override
    public List<String> rows() {
        return rows;
    }
}
