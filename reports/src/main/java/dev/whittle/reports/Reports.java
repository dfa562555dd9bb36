package dev.whittle.reports;

import dev.whittle.core.util.AtomicFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code whittle report}: results files in, one report out. HTML is a single self-contained page
 * (inline CSS and SVG charts, no scripts, no network); Markdown is the summary table for CI pages;
 * CSV one row per variant.
 */
public final class Reports {
    static {
        // Charts are drawn off-screen; never try to reach a display.
        System.setProperty("java.awt.headless", "true");
    }

    private Reports() {}

    /** The report as text. */
    public static String render(List<Variant> variants, ReportFormat format) {
        if (variants.isEmpty()) throw new IllegalArgumentException("no results to report on");
        return switch (format) {
            case HTML -> HtmlReport.render(variants);
            case MD -> MarkdownReport.render(variants);
            case CSV -> CsvReport.render(variants);
        };
    }

    /** Reads {@code resultsFiles} and writes the report to {@code out} atomically. */
    public static void write(List<Path> resultsFiles, Path out, ReportFormat format) {
        writeAtomically(out, render(Variant.load(resultsFiles), format));
    }

    /** Writes {@code text} as UTF-8 via a temp file in {@code out}'s directory and a rename. */
    public static void writeAtomically(Path out, String text) {
        try {
            AtomicFile.writeString(out, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
