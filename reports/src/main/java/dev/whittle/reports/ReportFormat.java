package dev.whittle.reports;

import java.nio.file.Path;
import java.util.Locale;

/** Output formats of {@code whittle report}. */
public enum ReportFormat {
    HTML, MD, CSV;

    public static ReportFormat parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "html", "htm" -> HTML;
            case "md", "markdown" -> MD;
            case "csv" -> CSV;
            default -> throw new IllegalArgumentException("--format " + s + ": expected html, md or csv");
        };
    }

    /** From an output file's extension ({@code .md}, {@code .csv}); HTML otherwise. */
    public static ReportFormat forFile(Path out) {
        String n = out.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".md") || n.endsWith(".markdown") ? MD : n.endsWith(".csv") ? CSV : HTML;
    }
}
