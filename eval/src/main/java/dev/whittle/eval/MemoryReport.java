package dev.whittle.eval;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a model's memory goes: weights by dtype (given, from the model file), the KV cache at the
 * evaluated context (computed), and what this process actually holds (measured). Sizes for other
 * context lengths or batch sizes are computed, not measured, and carry {@code estimated: true}.
 *
 * @param weights    weight groups by dtype
 * @param kvCache    the cache's shape, or null when unknown
 * @param ctx        the context length the KV cache is sized for
 * @param process    measured process memory at the time of the report
 * @param estimates  computed footprints at other context lengths / batch sizes
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemoryReport(List<WeightGroup> weights, KvCacheShape kvCache, long ctx, ProcessMemory process,
                           List<Footprint> estimates) {

    /** Computed memory need at one context length and batch size: weights plus KV cache. */
    public record Footprint(long ctx, int batch, long weightBytes, long kvCacheBytes, boolean estimated) {
        public long totalBytes() {
            return weightBytes + kvCacheBytes;
        }
    }

    /** A report at {@code ctx} with the process measured now. */
    public static MemoryReport measure(List<WeightGroup> weights, KvCacheShape kvCache, long ctx) {
        return new MemoryReport(List.copyOf(weights), kvCache, ctx, ProcessMemory.measure(), List.of());
    }

    /** This report plus a computed footprint for {@code ctx} tokens × {@code batch} sequences. */
    public MemoryReport withEstimate(long otherCtx, int batch) {
        if (kvCache == null) {
            throw new IllegalStateException("no KV cache shape to estimate from");
        }
        List<Footprint> more = new ArrayList<>(estimates);
        more.add(new Footprint(otherCtx, batch, weightBytes(), kvCache.bytes(otherCtx, batch), true));
        return new MemoryReport(weights, kvCache, ctx, process, List.copyOf(more));
    }

    public long weightBytes() {
        return weights.stream().mapToLong(WeightGroup::bytes).sum();
    }

    public long parameterCount() {
        return weights.stream().mapToLong(WeightGroup::params).sum();
    }

    /** Bits per weight over all groups: {@code 8 · Σbytes / Σparams}. */
    public double bitsPerWeight() {
        long params = parameterCount();
        return params == 0 ? 0 : 8.0 * weightBytes() / params;
    }

    /** KV cache bytes at the report's context for one sequence, or -1 when the shape is unknown. */
    public long kvCacheBytes() {
        return kvCache == null ? -1 : kvCache.bytes(ctx, 1);
    }

    /** The numbers for a results file's {@code metrics} map. */
    public Map<String, Metric> metrics() {
        Map<String, Metric> m = new LinkedHashMap<>();
        m.put("weights_bytes", Metric.of(weightBytes(), "bytes"));
        m.put("parameter_count", Metric.of(parameterCount(), "params"));
        m.put("bits_per_weight", Metric.of(bitsPerWeight(), "bits"));
        for (WeightGroup g : weights) {
            m.put("weights_bytes_" + g.dtype(), Metric.of(g.bytes(), "bytes"));
        }
        if (kvCache != null) {
            m.put("kv_cache_bytes", Metric.of(kvCacheBytes(), "bytes"));
        }
        if (process.peakRssBytes() != null) {
            m.put("peak_rss_bytes", Metric.of(process.peakRssBytes(), "bytes"));
        }
        if (process.rssBytes() != null) {
            m.put("rss_bytes", Metric.of(process.rssBytes(), "bytes"));
        }
        m.put("heap_used_bytes", Metric.of(process.heapUsedBytes(), "bytes"));
        m.put("heap_max_bytes", Metric.of(process.heapMaxBytes(), "bytes"));
        m.put("direct_bytes", Metric.of(process.directBytes(), "bytes"));
        m.put("mapped_bytes", Metric.of(process.mappedBytes(), "bytes"));
        for (Footprint f : estimates) {
            String suffix = "_at_ctx" + f.ctx() + "_batch" + f.batch();
            m.put("kv_cache_bytes" + suffix, Metric.estimated(f.kvCacheBytes(), "bytes"));
            m.put("total_bytes" + suffix, Metric.estimated(f.totalBytes(), "bytes"));
        }
        return m;
    }
}
