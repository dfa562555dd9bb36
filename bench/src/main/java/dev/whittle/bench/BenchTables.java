package dev.whittle.bench;

import java.util.List;
import java.util.Locale;

/** The text forms of benchmark results: llama-bench's markdown table, the bandwidth table, the decode bound line. */
public final class BenchTables {
    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final double MIB = 1024.0 * 1024;

    private BenchTables() {}

    /** {@code | model | size | params | backend | threads | test | t/s |}, one row per test. */
    public static String results(ModelBenchReport r) {
        MarkdownTable t = new MarkdownTable()
                .column("model", -30).column("size", 10).column("params", 10).column("backend", -10)
                .column("threads", 7).column("test", 15).column("t/s", 20);
        ModelFacts m = r.model();
        for (BenchResult b : r.results()) {
            t.row(m.label(), size(m.sizeBytes()), params(m.parameters()), r.backend(), Integer.toString(b.threads()),
                    b.name(), f("%.2f ± %.2f", b.avgTs(), b.stddevTs()));
        }
        return t.render();
    }

    /**
     * whittle against llama.cpp on the same file in the same run: one row per test both ran, with the ratio of
     * their means (above 1: whittle is faster).
     */
    public static String comparison(ModelBenchReport r, List<LlamaCppBaseline.Figure> llamaCpp) {
        MarkdownTable t = new MarkdownTable()
                .column("test", 15).column("whittle t/s", 20).column("llama.cpp t/s", 20).column("whittle/llama.cpp", 17);
        for (BenchResult b : r.results()) {
            for (LlamaCppBaseline.Figure l : llamaCpp) {
                if (!l.test().equals(b.name())) continue;
                t.row(b.name(), f("%.2f ± %.2f", b.avgTs(), b.stddevTs()), f("%.2f ± %.2f", l.meanTs(), l.stddevTs()),
                        f("%.2f", b.avgTs() / l.meanTs()));
            }
        }
        return t.render();
    }

    /** One row per measurement: threads, buffer size, passes, best and mean GB/s. */
    public static String bandwidth(List<MemoryBandwidth.Measurement> ms) {
        MarkdownTable t = new MarkdownTable()
                .column("threads", 7).column("buffer", 10).column("passes", 6).column("best GB/s", 10).column("mean GB/s", 10);
        for (MemoryBandwidth.Measurement m : ms) {
            t.row(Integer.toString(m.threads()), size(m.bytes()), Integer.toString(m.samplesGBps().length),
                    f("%.2f", m.bestGBps()), f("%.2f", m.meanGBps()));
        }
        return t.render();
    }

    /** {@link WidthTuner}'s measurements: best µs per kernel case and width, and each width's geometric mean. */
    public static String widths(WidthTuner.Result r) {
        MarkdownTable t = new MarkdownTable().column("kernel (256 x 2048, 1 thread)", 30);
        for (int bits : r.widths()) t.column(bits + "-bit us", 11);
        for (WidthTuner.Row row : r.rows()) {
            List<String> cells = new java.util.ArrayList<>(List.of(row.kernel()));
            for (int bits : r.widths()) cells.add(f("%.1f", row.micros().get(bits)));
            t.row(cells.toArray(String[]::new));
        }
        List<String> mean = new java.util.ArrayList<>(List.of("time vs " + r.preferred() + "-bit (geo. mean)"));
        for (int bits : r.widths()) mean.add(f("%.3f", r.relative().get(bits)));
        t.row(mean.toArray(String[]::new));
        return t.render();
    }

    /** The decode bandwidth bound and how close each tg test came to it; empty when bandwidth was not measured. */
    public static String boundLine(ModelBenchReport r) {
        if (r.decodeBound().isEmpty()) return "";
        double bound = r.decodeBound().getAsDouble();
        StringBuilder sb = new StringBuilder(f("decode bound: %.2f t/s = %.2f GB/s (best, %d threads) / %.2f GB of weights read per token",
                bound, r.bandwidth().bestGBps(), r.bandwidth().threads(), r.model().decodeBytesPerToken() / 1e9));
        for (BenchResult b : r.results()) {
            if (b.nPrompt() == 0) sb.append(f("; %s reaches %.0f%% of it", b.name(), 100 * b.avgTs() / bound));
        }
        return sb.append('\n').toString();
    }

    /** llama-bench's size column: MiB below 1 GiB, else GiB. */
    static String size(long bytes) {
        return bytes < GIB ? f("%.2f MiB", bytes / MIB) : f("%.2f GiB", bytes / GIB);
    }

    /** llama-bench's params column: M below a billion, else B. */
    static String params(long n) {
        return n < 1_000_000_000L ? f("%.2f M", n / 1e6) : f("%.2f B", n / 1e9);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
