package dev.whittle.datasets;

import java.util.List;
import java.util.Objects;

/** HuggingFace-style rows given directly (a list of strings); the whole text is the rows joined with "\n\n". */
public record RowsSource(String name, List<String> rows) implements TextSource {
    public RowsSource {
        Objects.requireNonNull(name, "name");
        rows = List.copyOf(rows);
    }

    @Override
    public String wholeText() {
        return joinedRows();
    }
}
