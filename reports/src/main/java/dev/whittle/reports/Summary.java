package dev.whittle.reports;

import dev.whittle.eval.Metric;
import dev.whittle.eval.ModelInfo;
import dev.whittle.eval.Results;
import dev.whittle.eval.WeightGroup;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The summary table behind every report format: one row of {@link Cell}s per variant, the base variant
 * ΔPPL is measured against, and which rows hold each column's best value. Missing metrics are
 * {@link Cell#MISSING}, never an error.
 */
public final class Summary {
    private static final Set<String> FLOAT_TYPES = Set.of("F64", "F32", "F16", "BF16");

    private final List<Variant> variants;
    private final int baseIndex;
    private final List<Map<Column, Cell>> rows = new ArrayList<>();

    private Summary(List<Variant> variants) {
        this.variants = List.copyOf(variants);
        this.baseIndex = baseIndexOf(variants);
        Double basePpl = baseIndex < 0 ? null : metricValue(variants.get(baseIndex).results(), "ppl");
        for (Variant v : variants) rows.add(row(v, basePpl));
    }

    public static Summary of(List<Variant> variants) {
        return new Summary(variants);
    }

    public List<Variant> variants() {
        return variants;
    }

    /** The index of the variant ΔPPL is relative to: the first whose weights are all float (F32/F16/BF16), else the first; -1 if none. */
    public int baseIndex() {
        return baseIndex;
    }

    Cell cell(int row, Column c) {
        return rows.get(row).get(c);
    }

    /** The raw number behind a cell, or null when the metric is missing. */
    public Double value(int row, Column c) {
        return cell(row, c).value();
    }

    /** The text a cell shows ({@value Format#MISSING} when missing). */
    public String text(int row, Column c) {
        return cell(row, c).text();
    }

    /** Rows holding the best value of {@code c} (ties all count); empty for columns without a direction. */
    public Set<Integer> best(Column c) {
        Set<Integer> best = new HashSet<>();
        if (c.better == Better.NONE) return best;
        Double top = null;
        for (int i = 0; i < rows.size(); i++) {
            Cell cell = cell(i, c);
            if (!cell.present()) continue;
            if (top == null || c.better.beats(cell.value(), top)) {
                top = cell.value();
                best.clear();
            }
            if (cell.value().doubleValue() == top) best.add(i);
        }
        // A column where every variant ties says nothing; do not highlight it.
        return best.size() == presentCount(c) && best.size() > 1 ? Set.of() : best;
    }

    private int presentCount(Column c) {
        int n = 0;
        for (int i = 0; i < rows.size(); i++) if (cell(i, c).present()) n++;
        return n;
    }

    static int baseIndexOf(List<Variant> variants) {
        for (int i = 0; i < variants.size(); i++) {
            ModelInfo m = variants.get(i).results().model();
            if (m != null && m.dtypeMix() != null && !m.dtypeMix().isEmpty()
                    && m.dtypeMix().stream().allMatch(g -> FLOAT_TYPES.contains(g.dtype().toUpperCase(Locale.ROOT)))) {
                return i;
            }
        }
        return variants.isEmpty() ? -1 : 0;
    }

    private static Map<Column, Cell> row(Variant v, Double basePpl) {
        Results r = v.results();
        Map<Column, Cell> row = new EnumMap<>(Column.class);
        row.put(Column.VARIANT, Cell.text(v.name()));
        row.put(Column.FORMAT, Cell.text(formatOf(r.model())));
        Double bpw = r.model() != null && r.model().parameterCount() > 0 ? Double.valueOf(r.model().bitsPerWeight()) : metricValue(r, "bits_per_weight");
        row.put(Column.BITS_PER_WEIGHT, bpw == null ? Cell.MISSING : new Cell(bpw, null, Format.f("%.3f", bpw)));
        Double size = fileBytes(r);
        row.put(Column.FILE_SIZE, size == null ? Cell.MISSING : new Cell(size, null, Format.bytes(size)));
        Metric ppl = metric(r, "ppl");
        row.put(Column.PPL, ppl == null ? Cell.MISSING : new Cell(ppl.value(), ppl.stderr(),
                ppl.stderr() == null ? Format.f("%.4f", ppl.value()) : Format.f("%.4f ± %.4f", ppl.value(), ppl.stderr())));
        if (ppl != null && basePpl != null && basePpl > 0) {
            double d = 100 * (ppl.value() / basePpl - 1);
            row.put(Column.DELTA_PPL, new Cell(d, null, Format.f("%+.2f %%", d)));
        } else {
            row.put(Column.DELTA_PPL, Cell.MISSING);
        }
        Metric kld = metric(r, "kld_mean");
        row.put(Column.KLD, kld == null ? Cell.MISSING : new Cell(kld.value(), kld.stderr(), Format.small(kld.value())));
        Metric top = metric(r, "same_top");
        row.put(Column.TOP1, top == null ? Cell.MISSING : new Cell(top.value(), top.stderr(), Format.f("%.2f %%", 100 * top.value())));
        row.put(Column.PREFILL, speed(metric(r, "prefill_tps")));
        row.put(Column.DECODE, speed(metric(r, "decode_tps")));
        Metric peak = metric(r, "peak_rss_bytes");
        row.put(Column.PEAK_MEMORY, peak == null ? Cell.MISSING : new Cell(peak.value(), null, Format.bytes(peak.value())));
        return row;
    }

    private static Cell speed(Metric m) {
        if (m == null) return Cell.MISSING;
        return new Cell(m.value(), m.stddev(), m.stddev() == null ? Format.f("%.1f", m.value()) : Format.f("%.1f ± %.1f", m.value(), m.stddev()));
    }

    /** Σ bytes of the model's weight files, else the {@code weights_bytes} metric. */
    static Double fileBytes(Results r) {
        if (r.model() != null && r.model().files() != null && !r.model().files().isEmpty()) {
            return (double) r.model().files().stream().mapToLong(ModelInfo.FileDigest::bytes).sum();
        }
        return metricValue(r, "weights_bytes");
    }

    /** e.g. {@code GGUF · Q4_0 97% · F32 3%} (shares of parameters). */
    static String formatOf(ModelInfo m) {
        if (m == null) return null;
        StringBuilder s = new StringBuilder();
        if (m.path() != null) {
            String p = m.path().toLowerCase(Locale.ROOT);
            s.append(p.endsWith(".gguf") ? "GGUF" : p.endsWith(".safetensors") || !p.contains(".") ? "SafeTensors" : "");
        }
        if (m.dtypeMix() != null && m.parameterCount() > 0) {
            List<WeightGroup> mix = new ArrayList<>(m.dtypeMix());
            mix.sort((a, b) -> Long.compare(b.params(), a.params()));
            for (WeightGroup g : mix) {
                if (!s.isEmpty()) s.append(" · ");
                double pct = 100.0 * g.params() / m.parameterCount();
                s.append(g.dtype()).append(' ').append(pct >= 1 || pct == 0 ? Format.f("%.0f%%", pct) : "<1%");
            }
        }
        return s.toString();
    }

    static Metric metric(Results r, String name) {
        if (r.metrics() == null) return null;
        Metric m = r.metrics().get(name);
        return m == null || !Double.isFinite(m.value()) ? null : m;
    }

    static Double metricValue(Results r, String name) {
        Metric m = metric(r, name);
        return m == null ? null : m.value();
    }
}
