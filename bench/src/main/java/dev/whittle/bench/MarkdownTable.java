package dev.whittle.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A markdown table laid out like llama-bench's: each column has a minimum width, negative for left-aligned text
 * (separator {@code ----}) and positive for right-aligned numbers (separator {@code ---:}). Unlike llama-bench, a
 * column widens to its longest cell so rows stay aligned.
 */
public final class MarkdownTable {
    private final List<String> headers = new ArrayList<>();
    private final List<Integer> widths = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();

    /** Adds a column: {@code width < 0} left-aligns it in at least {@code -width} characters, else right-aligns. */
    public MarkdownTable column(String header, int width) {
        if (width == 0) throw new IllegalArgumentException("column width must not be 0");
        if (!rows.isEmpty()) throw new IllegalStateException("add columns before rows");
        headers.add(header);
        widths.add(width);
        return this;
    }

    public MarkdownTable row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the table has " + headers.size() + " columns");
        }
        rows.add(cells.clone());
        return this;
    }

    /** The table, one line per row, each ending in a newline. */
    public String render() {
        int n = headers.size();
        int[] w = new int[n];
        for (int c = 0; c < n; c++) {
            w[c] = Math.max(Math.abs(widths.get(c)), headers.get(c).length());
            for (String[] r : rows) w[c] = Math.max(w[c], r[c].length());
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers.toArray(String[]::new), w);
        sb.append('|');
        for (int c = 0; c < n; c++) {
            sb.append(' ').append("-".repeat(w[c] - 1)).append(widths.get(c) > 0 ? ':' : '-').append(" |");
        }
        sb.append('\n');
        for (String[] r : rows) line(sb, r, w);
        return sb.toString();
    }

    private void line(StringBuilder sb, String[] cells, int[] w) {
        sb.append('|');
        for (int c = 0; c < cells.length; c++) {
            String pad = " ".repeat(w[c] - cells[c].length());
            sb.append(' ').append(widths.get(c) < 0 ? cells[c] + pad : pad + cells[c]).append(" |");
        }
        sb.append('\n');
    }
}
