package dev.whittle.reports;

import dev.whittle.eval.Metric;
import dev.whittle.eval.ModelInfo;
import dev.whittle.eval.Results;
import dev.whittle.eval.ResultsBuilder;
import dev.whittle.eval.WeightGroup;

import java.time.Instant;
import java.util.List;

/**
 * Four hand-made variants of a stories260K-sized model: FP32 (base, with speed and memory), F16, Q4_0
 * (KLD, per-tensor errors) and Q8_0 with nothing measured but its model (every metric missing).
 */
final class SampleResults {
    static final double PPL_F32 = 7.987654321;
    static final double PPL_F16 = 7.9881234;
    static final double PPL_Q4 = 9.4561;

    private SampleResults() {}

    static List<Variant> variants() {
        return List.of(new Variant("fp32", null, fp32()), new Variant("f16", null, f16()),
                new Variant("q4_0", null, q4()), new Variant("q8_0", null, q8()));
    }

    static Results fp32() {
        return base("fp32.gguf", List.of(new WeightGroup("F32", 260_000, 1_040_000)), 1_100_000)
                .metric("ppl", new Metric(PPL_F32, 0.0812, null, new double[] {7.83, 8.15}, "ppl", 1270L, null))
                .metric("prefill_tps", new Metric(5123.4, 20.0, 40.0, null, "tokens/s", 4L, null))
                .metric("decode_tps", new Metric(812.25, 5.0, 10.0, null, "tokens/s", 4L, null))
                .metric("kv_cache_bytes", Metric.of(163_840, "bytes"))
                .metric("peak_rss_bytes", Metric.of(210_000_000, "bytes"))
                .build();
    }

    static Results f16() {
        return base("f16.gguf", List.of(new WeightGroup("F16", 259_000, 518_000), new WeightGroup("F32", 1_000, 4_000)), 560_000)
                .metric("ppl", new Metric(PPL_F16, 0.0813, null, null, "ppl", 1270L, null))
                .metric("kld_mean", new Metric(0.0000412, 1e-6, null, null, "nats", 1270L, null))
                .metric("same_top", new Metric(0.9984, 0.001, null, null, "fraction", 1270L, null))
                .metric("prefill_tps", new Metric(4800.0, 30.0, 60.0, null, "tokens/s", 4L, null))
                .metric("decode_tps", new Metric(790.5, 6.0, 12.0, null, "tokens/s", 4L, null))
                .metric("kv_cache_bytes", Metric.of(163_840, "bytes"))
                .metric("peak_rss_bytes", Metric.of(190_000_000, "bytes"))
                .build();
    }

    static Results q4() {
        return base("q4_0.gguf", List.of(new WeightGroup("Q4_0", 256_000, 144_000), new WeightGroup("F32", 4_000, 16_000)), 200_000)
                .metric("ppl", new Metric(PPL_Q4, 0.095, null, null, "ppl", 1270L, null))
                .metric("kld_mean", new Metric(0.0731, 0.002, null, null, "nats", 1270L, null))
                .metric("same_top", new Metric(0.8712, 0.009, null, null, "fraction", 1270L, null))
                .metric("decode_tps", new Metric(1010.0, 7.0, 14.0, null, "tokens/s", 4L, null))
                .metric("peak_rss_bytes", Metric.of(180_000_000, "bytes"))
                .metric("quant_error.blk.0.attn_q.weight", new Metric(0.081, null, null, null, "fraction", null, null))
                .metric("quant_error.blk.10.attn_q.weight", new Metric(0.095, null, null, null, "fraction", null, null))
                .metric("quant_error.blk.2.attn_q.weight", new Metric(0.12, null, null, null, "fraction", null, null))
                .build();
    }

    static Results q8() {
        return base("q8_0.gguf", List.of(new WeightGroup("Q8_0", 256_000, 272_000), new WeightGroup("F32", 4_000, 16_000)), 300_000).build();
    }

    private static ResultsBuilder base(String path, List<WeightGroup> mix, long fileBytes) {
        long params = mix.stream().mapToLong(WeightGroup::params).sum();
        long bytes = mix.stream().mapToLong(WeightGroup::bytes).sum();
        ModelInfo m = new ModelInfo("runs/" + path, List.of(new ModelInfo.FileDigest("runs/" + path, fileBytes, "ab".repeat(32))),
                "llama", mix, params, 8.0 * bytes / params);
        return new ResultsBuilder("0.1.0").timestamp(Instant.parse("2026-11-24T08:00:00Z"))
                .command("eval", List.of("runs/" + path, "--ppl", "tinystories-valid")).seed(7).model(m);
    }
}
