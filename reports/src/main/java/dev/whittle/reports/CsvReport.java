package dev.whittle.reports;

import java.util.ArrayList;
import java.util.List;

/**
 * One row per variant, raw numbers at full precision (RFC 4180 quoting); a missing metric is an empty
 * field. Spreads (PPL standard error, speed standard deviations) get their own columns.
 */
final class CsvReport {
    static final List<String> HEADER = List.of("variant", "source", "model_path", "format", "bits_per_weight", "file_bytes",
            "ppl", "ppl_stderr", "delta_ppl_pct", "kld_mean", "same_top", "prefill_tps", "prefill_tps_stddev",
            "decode_tps", "decode_tps_stddev", "peak_rss_bytes");

    private CsvReport() {}

    static String render(List<Variant> variants) {
        Summary s = Summary.of(variants);
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", HEADER)).append("\r\n");
        for (int i = 0; i < variants.size(); i++) {
            Variant v = variants.get(i);
            List<String> f = new ArrayList<>();
            f.add(v.name());
            f.add(v.source() == null ? "" : v.source().toString());
            f.add(v.results().model() == null || v.results().model().path() == null ? "" : v.results().model().path());
            String format = s.text(i, Column.FORMAT);
            f.add(format.equals(Format.MISSING) ? "" : format);
            f.add(num(s.value(i, Column.BITS_PER_WEIGHT)));
            f.add(num(s.value(i, Column.FILE_SIZE)));
            f.add(num(s.value(i, Column.PPL)));
            f.add(num(s.cell(i, Column.PPL).spread()));
            f.add(num(s.value(i, Column.DELTA_PPL)));
            f.add(num(s.value(i, Column.KLD)));
            f.add(num(s.value(i, Column.TOP1)));
            f.add(num(s.value(i, Column.PREFILL)));
            f.add(num(s.cell(i, Column.PREFILL).spread()));
            f.add(num(s.value(i, Column.DECODE)));
            f.add(num(s.cell(i, Column.DECODE).spread()));
            f.add(num(s.value(i, Column.PEAK_MEMORY)));
            List<String> quoted = new ArrayList<>();
            for (String x : f) quoted.add(quote(x));
            out.append(String.join(",", quoted)).append("\r\n");
        }
        return out.toString();
    }

    private static String num(Double v) {
        return v == null || !Double.isFinite(v) ? "" : Format.raw(v);
    }

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
