package dev.whittle.reports;

import dev.whittle.eval.Metric;
import dev.whittle.eval.Results;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Per-tensor quantization errors carried in a results file as metrics named
 * {@value #PREFIX}{@code <tensor>} (see docs/results-schema.md): relative RMS error
 * ‖W − Ŵ‖ / ‖W‖ of each quantized weight, unit {@code fraction}.
 */
final class QuantErrors {
    static final String PREFIX = "quant_error.";

    private QuantErrors() {}

    /** Tensor name → error of one results file, in file order; empty when it has none. */
    static Map<String, Double> of(Results r) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (r.metrics() == null) return out;
        for (Map.Entry<String, Metric> e : r.metrics().entrySet()) {
            if (e.getKey().startsWith(PREFIX) && e.getKey().length() > PREFIX.length() && Double.isFinite(e.getValue().value())) {
                out.put(e.getKey().substring(PREFIX.length()), e.getValue().value());
            }
        }
        return out;
    }

    /** Every tensor named by any of the maps, in natural order (blk.2 before blk.10). */
    static List<String> tensors(List<Map<String, Double>> perVariant) {
        TreeSet<String> names = new TreeSet<>(NATURAL);
        for (Map<String, Double> m : perVariant) names.addAll(m.keySet());
        return new ArrayList<>(names);
    }

    /** Compares digit runs as numbers, the rest as text. */
    static final Comparator<String> NATURAL = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) i++;
                while (j < b.length() && Character.isDigit(b.charAt(j))) j++;
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) return c;
            } else {
                if (ca != cb) return Character.compare(ca, cb);
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    };
}
