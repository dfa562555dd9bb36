package dev.whittle.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /** Temp files are created owner-only; a report is meant to be shared. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep its defaults
        }
    }

    /** Writes {@code text} as UTF-8 via a temp file in {@code out}'s directory and a rename. */
    public static void writeAtomically(Path out, String text) {
        try {
            Path dir = out.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + out.getFileName() + ".", ".tmp");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                readableByAll(tmp);
                try {
                    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
