package dev.whittle.reports;

import dev.whittle.eval.Results;
import dev.whittle.eval.WeightGroup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a variant's memory goes: weights per dtype (the memory report's, else the model's dtype mix),
 * the KV cache ({@code kv_cache_bytes}), and "runtime" = peak RSS − weights − KV cache, clamped at 0
 * (JVM, activations, tokenizer, page cache of anything else the process touched).
 */
final class MemoryBreakdown {
    static final String KV_CACHE = "KV cache";
    static final String RUNTIME = "runtime";

    private MemoryBreakdown() {}

    /** Component → bytes in stacking order; empty when the results say nothing about memory. */
    static Map<String, Double> of(Results r) {
        Map<String, Double> parts = new LinkedHashMap<>();
        List<WeightGroup> weights = r.memory() != null && r.memory().weights() != null ? r.memory().weights()
                : r.model() != null ? r.model().dtypeMix() : null;
        double weightBytes = 0;
        if (weights != null) {
            for (WeightGroup g : weights) {
                parts.merge("weights " + g.dtype(), (double) g.bytes(), Double::sum);
                weightBytes += g.bytes();
            }
        }
        Double kv = Summary.metricValue(r, "kv_cache_bytes");
        if (kv != null) parts.put(KV_CACHE, kv);
        Double peak = Summary.metricValue(r, "peak_rss_bytes");
        if (peak != null) parts.put(RUNTIME, Math.max(0, peak - weightBytes - (kv == null ? 0 : kv)));
        return parts;
    }

    /** Whether the results measured memory at all (a dtype mix alone is not worth a chart). */
    static boolean measured(Results r) {
        return r.memory() != null || Summary.metricValue(r, "peak_rss_bytes") != null || Summary.metricValue(r, "kv_cache_bytes") != null;
    }
}
