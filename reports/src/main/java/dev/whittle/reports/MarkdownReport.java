package dev.whittle.reports;

import java.util.List;
import java.util.Set;

/** The summary table as GitHub-flavoured Markdown (for CI job pages); best values in bold. */
final class MarkdownReport {
    private MarkdownReport() {}

    static String render(List<Variant> variants) {
        Summary s = Summary.of(variants);
        StringBuilder m = new StringBuilder();
        m.append("| ");
        for (Column c : Column.values()) m.append(cell(c.header)).append(" | ");
        m.setLength(m.length() - 1);
        m.append("\n|");
        for (Column c : Column.values()) m.append(c == Column.VARIANT || c == Column.FORMAT ? "---|" : "---:|");
        m.append('\n');
        Column[] cols = Column.values();
        @SuppressWarnings("unchecked") Set<Integer>[] best = new Set[cols.length];
        for (int k = 0; k < cols.length; k++) best[k] = s.best(cols[k]);
        for (int i = 0; i < variants.size(); i++) {
            m.append("| ");
            for (int k = 0; k < cols.length; k++) {
                String t = cell(s.text(i, cols[k]));
                if (cols[k] == Column.VARIANT && i == s.baseIndex()) t += " (base)";
                m.append(best[k].contains(i) ? "**" + t + "**" : t).append(" | ");
            }
            m.setLength(m.length() - 1);
            m.append('\n');
        }
        return m.toString();
    }

    /** Pipes would end the cell; newlines the row. */
    private static String cell(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace('\n', ' ');
    }
}
